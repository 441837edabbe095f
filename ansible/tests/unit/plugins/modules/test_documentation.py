"""Each module's DOCUMENTATION (what ansible-doc shows) says exactly what
its argument spec takes: the same options, types, defaults, choices and
list element types; and its EXAMPLES and RETURN are valid YAML."""
import pytest
import yaml

from ansible_collections.netcfg.ollama.plugins.doc_fragments import netcfg as fragment
from ansible_collections.netcfg.ollama.plugins.modules import exposure, exposure_info


def documented_options(doc):
    """The options as ansible-doc shows them: the shared fragment's, each
    replaced by the module's own of the same name."""
    options = {}
    for name in doc.get("extends_documentation_fragment") or []:
        assert name == "netcfg.ollama.netcfg", name
        options.update(yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)["options"])
    options.update(doc.get("options") or {})
    return options


@pytest.mark.parametrize("module", [exposure, exposure_info], ids=lambda m: m.__name__)
def test_documentation_matches_the_argument_spec(module):
    doc = yaml.safe_load(module.DOCUMENTATION)
    documented = documented_options(doc)
    assert sorted(documented) == sorted(module.ARGUMENT_SPEC)
    for name, spec in module.ARGUMENT_SPEC.items():
        d = documented[name]
        assert d["type"] == spec["type"], name
        assert d.get("default") == spec.get("default"), name
        assert d.get("choices") == spec.get("choices"), name
        assert d.get("elements") == spec.get("elements"), name
        assert d.get("description"), name


@pytest.mark.parametrize("module", [exposure, exposure_info], ids=lambda m: m.__name__)
def test_examples_use_only_documented_options(module):
    doc = yaml.safe_load(module.DOCUMENTATION)
    name = "netcfg.ollama." + doc["module"]
    examples = yaml.safe_load(module.EXAMPLES)
    used = [t[name] for t in examples if name in t]
    assert used
    for args in used:
        assert set(args or {}) <= set(documented_options(doc)), args
    assert yaml.safe_load(module.RETURN)
