"""The harness's plug-ins for the Longcheng portal, as its vendor would write them: driver.py (the /gateway/ API
as a PortalDriver) and control.py (the /admin/ back office and a libfaketime clock as a ControlDriver)."""

STAGES = {"00": "not_enabled", "10": "enabled", "20": "agreement_signed", "30": "info_confirmed",  # 开通状态 ktzt
          "40": "password_set", "90": "opened"}


def ym(month: str | None) -> str | None:
    """Longcheng's months (YYYYMM) in the contract's form (YYYY-MM)."""
    return f"{month[:4]}-{month[-2:]}" if month else None
