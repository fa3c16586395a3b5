"""The target configuration of `gjj certify --config target.yaml`, validated before anything runs.

Secrets never live in the file: a PIN or a control token is named by the environment variable
that holds it (``pin_env``, ``token_env``). An error names the field, in Chinese and English:

    target.yaml: target.base_url: 缺少必填项 / field required
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

BUSINESSES = ("establish", "seal", "unseal", "transfer", "back_pay", "base_adjustment", "deposit_verification")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the field. Exit code 2."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"不是 http(s) 地址 / not an http(s) URL: {value!r}")
    return value.rstrip("/")


class TargetSection(_Strict):
    name: str = ""                          # shown in reports, e.g. "XX 公积金中心测试环境"
    base_url: str                           # the portal: the API (/api/v1) and the web pages (/hall/)
    control_url: str | None = None          # test control (/_sim/); absent: time-dependent clauses not verifiable
    control_token_env: str | None = None    # name of the environment variable with the X-Sim-Token
    request_timeout_s: float = Field(10.0, gt=0, le=300)

    control_required: bool = True           # false: control_url is only a guess (gjj certify --target)

    _check_urls = field_validator("base_url", "control_url")(lambda cls, v: _url(v))


class TlsSection(_Strict):
    ca_bundle: Path | None = None
    insecure: bool = False

    @model_validator(mode="after")
    def _one(self):
        if self.ca_bundle and self.insecure:
            raise ValueError("ca_bundle 与 insecure 只能选一个 / give ca_bundle or insecure, not both")
        return self


class UnitCredentials(_Strict):
    name: str                               # the name the scenarios use, e.g. 甲
    serial: str
    pin_env: str                            # environment variable holding the certificate PIN


class CapabilitiesSection(_Strict):
    businesses: list[Literal[BUSINESSES]] = Field(default_factory=lambda: list(BUSINESSES))  # type: ignore[valid-type]
    print_slip: bool = True


class BrowserSection(_Strict):
    locators: Path | None = None            # TOML mapping of the contract's names to the vendor's
    executable: Path = Path("/usr/bin/chromium")


class DriverSection(_Strict):
    plugin: str | None = None               # entry point name in group gjj.drivers, or "module:attribute"


class ControlSection(_Strict):
    plugin: str | None = None               # entry point name in group gjj.control, or "module:attribute";
    #                                         none: the reference /_sim/ interface at target.control_url


class TargetConfig(_Strict):
    version: Literal[1] = 1
    target: TargetSection
    tls: TlsSection = Field(default_factory=TlsSection)
    credentials: list[UnitCredentials] = Field(default_factory=list)
    capabilities: CapabilitiesSection = Field(default_factory=CapabilitiesSection)
    browser: BrowserSection = Field(default_factory=BrowserSection)
    driver: DriverSection = Field(default_factory=DriverSection)
    control: ControlSection = Field(default_factory=ControlSection)
    time_budget_s: float = Field(3600.0, gt=0)  # the whole run; past it the run stops, exit 2

    _folder: Path | None = PrivateAttr(default=None)  # the file's folder: plug-ins are importable from it

    def plugin_paths(self) -> list[Path]:
        return [self._folder] if self._folder else []

    def control_token(self) -> str | None:
        name = self.target.control_token_env
        return os.environ.get(name) if name else None


_MESSAGES = {"missing": "缺少必填项 / field required", "extra_forbidden": "不认识的字段 / unknown field",
             "literal_error": "取值不在允许范围内 / not one of the allowed values"}


def _format(e: ValidationError, source: str) -> str:
    lines = []
    for err in e.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(根 / root)"
        text = _MESSAGES.get(err["type"]) or err["msg"].removeprefix("Value error, ")
        if err["type"] == "literal_error":
            text += f"（{err['msg']}）"
        lines.append(f"{source}: {where}: {text}")
    return "\n".join(lines)


def load(path: Path) -> TargetConfig:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: 文件不存在 / no such file") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: 不是有效的 YAML / not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: 顶层应是映射（键: 值） / the top level must be a mapping")
    try:
        config = TargetConfig.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(_format(e, str(path))) from None
    base = Path(path).resolve().parent  # relative paths in the file are relative to the file
    config._folder = base
    if config.tls.ca_bundle and not config.tls.ca_bundle.is_absolute():
        config.tls.ca_bundle = base / config.tls.ca_bundle
    if config.browser.locators and not config.browser.locators.is_absolute():
        config.browser.locators = base / config.browser.locators
    problems = []
    if config.tls.ca_bundle and not config.tls.ca_bundle.is_file():
        problems.append(f"{path}: tls.ca_bundle: 文件不存在 / no such file: {config.tls.ca_bundle}")
    if config.browser.locators and not config.browser.locators.is_file():
        problems.append(f"{path}: browser.locators: 文件不存在 / no such file: {config.browser.locators}")
    if config.target.control_token_env and config.control_token() is None:
        problems.append(f"{path}: target.control_token_env: 环境变量 {config.target.control_token_env} 未设置 / "
                        f"environment variable not set")
    for i, unit in enumerate(config.credentials):
        if os.environ.get(unit.pin_env) is None:
            problems.append(f"{path}: credentials.{i}.pin_env: 环境变量 {unit.pin_env} 未设置 / "
                            f"environment variable not set")
    if problems:
        raise ConfigError("\n".join(problems))
    return config


def from_url(url: str, control_token_env: str | None = None) -> TargetConfig:
    """`--target URL`: the test control is looked for at the same address (its absence is not an error)."""
    try:
        # a token given says the target has a control: then it must answer (a wrong token stops the run)
        return TargetConfig(target=TargetSection(base_url=url, control_url=url, control_required=bool(control_token_env),
                                                 control_token_env=control_token_env))
    except ValidationError as e:
        raise ConfigError(_format(e, "--target")) from None
