"""Each module's DOCUMENTATION (what ansible-doc shows) says exactly what
its argument spec takes: the same options, types, defaults, choices and
list element types; and its EXAMPLES and RETURN are valid YAML."""
import pytest
import yaml

from ansible_collections.netcfg.ollama.plugins.modules import exposure, exposure_info


@pytest.mark.parametrize("module", [exposure, exposure_info], ids=lambda m: m.__name__)
def test_documentation_matches_the_argument_spec(module):
    doc = yaml.safe_load(module.DOCUMENTATION)
    documented = doc["options"]
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
        assert set(args or {}) <= set(doc["options"]), args
    assert yaml.safe_load(module.RETURN)
