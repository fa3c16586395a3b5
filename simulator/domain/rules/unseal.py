"""Unseal (启封), clauses 3.3.2 and 3.7."""
from __future__ import annotations

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError
from ..model import Account, AccountState, UnitMonths
from ..months import Month


@implements("3.3.2")
def check_unseal(account: Account, unit: UnitMonths, start_month: Month) -> None:
    """启封请在单位上个月的公积金汇缴结束之后，该职工起缴月份的公积金汇缴之前办理.

    The unseal names the start month S; S−1 must be remitted and S not: S is the unit's
    应汇缴年月 (for a unit that never remitted, its first month).
    """
    if account.state is not AccountState.SEALED:
        raise DomainError(M.ACCOUNT_NOT_SEALED, state=account.state.label)
    if unit.is_remitted(start_month):
        raise DomainError(M.UNSEAL_START_MONTH_REMITTED, month=start_month, due=unit.due)
    if start_month != unit.due:
        raise DomainError(M.UNSEAL_TOO_EARLY, prev=start_month.prev())


# Fields a unit may report as wrong when unsealing (3.7).
REPORTABLE_ERRORS = {"name": "姓名", "id_number": "身份证号码"}


@implements("3.7")
def correction_notice(reported_errors: list[str]) -> str | None:
    """The unseal is not blocked by wrong name / ID: it goes through, and the unit is told
    that the employee corrects it in person. The portal offers no online correction."""
    fields = [REPORTABLE_ERRORS[f] for f in reported_errors if f in REPORTABLE_ERRORS]
    if not fields:
        return None
    return (f"启封已办理。职工{'、'.join(fields)}有误的，请提醒职工携带身份证和公积金储存卡"
            "到公积金中心修改信息（网上服务厅不提供修改）。")
