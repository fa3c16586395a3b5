"""One command line: `gjj -h` lists every subcommand with a line in Chinese and English; an unknown command
lists them all (and the close match); each subcommand is registered by its own module."""
from __future__ import annotations

import re

import pytest

from gjj import cli

EXPECTED = {"serve", "demo", "seed", "certify", "docs", "compare", "manifest"}


def test_help_lists_every_subcommand_in_both_languages(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["-h"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    listed = dict(re.findall(r"^\s{4}(\w[\w-]*)\s+(.+)$", out, flags=re.M))
    assert EXPECTED <= set(listed), out
    assert set(listed) == set(cli.commands(cli.build_parser()))
    for name, line in listed.items():
        assert re.search(r"[\u4e00-\u9fff]", line) and re.search(r"[A-Za-z]{3}", line), (name, line)


@pytest.mark.parametrize("typo, suggestion", [("bogus", None), ("certfy", "certify"), ("srve", "serve")])
def test_an_unknown_command_lists_them_all(capsys, typo, suggestion):
    assert cli.main([typo]) == 2
    err = capsys.readouterr().err
    assert f"'{typo}'" in err and all(name in err for name in EXPECTED), err
    assert (suggestion in err.split("did you mean", 1)[-1]) if suggestion else "did you mean" not in err


def test_no_command_prints_the_help(capsys):
    assert cli.main([]) == 2
    assert "certify" in capsys.readouterr().out


def test_each_subcommand_belongs_to_the_module_that_implements_it():
    parser = cli.build_parser()
    sub = next(a for a in parser._subparsers._group_actions)
    owners = {name: p.get_default("run").__module__ for name, p in sub.choices.items()}
    assert owners == {"serve": "gjj.simulator.cli", "demo": "gjj.simulator.cli", "seed": "gjj.simulator.cli",
                      "certify": "gjj.reports.certify", "docs": "gjj.reports.docs.command",
                      "compare": "gjj.reports.compare", "manifest": "gjj.reports.manifest"} | {
        n: m for n, m in owners.items() if n not in EXPECTED}  # plug-in commands from entry points


def test_a_subcommands_own_help_is_reached(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["certify", "-h"])
    assert e.value.code == 0 and "--target" in capsys.readouterr().out
