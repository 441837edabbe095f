# -*- coding: utf-8 -*-
# Copyright: ollama-netcfg developers
# MIT License (see LICENSE)
"""The options every module of the collection takes, documented once.
A module that documents an option of the same name replaces this text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  unit:
    description: The Ollama service unit; C(.service) is added when missing.
    type: str
    default: ollama.service
  drop_in:
    description: The managed drop-in file name in C(/etc/systemd/system/<unit>.d/).
    type: str
    default: override.conf
  allow_from:
    description:
      - The clients' network (CIDR, IPv4 or IPv6); the firewall is judged for it (C(--from)).
    type: str
  binary:
    description:
      - The C(ollama-netcfg) to run, a path or a name looked up on C(PATH) and in C(/usr/sbin).
    type: str
    default: ollama-netcfg
"""
