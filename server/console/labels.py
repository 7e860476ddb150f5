"""Chinese names the console shows for the records' codes (the mini-program's wording)."""

from __future__ import annotations

from server.services.escalation import LEVEL_NAMES

STATUS_NAMES = {
    "reported": "待制定方案",
    "planned": "已制定方案",
    "rectifying": "整改中",
    "fix_submitted": "待验收",
    "verified": "已验收",
    "fixed_on_spot": "已当场整改",
    "closed": "已关闭（非隐患）",
}
SEVERITY_NAMES = {"general": "一般隐患", "major": "重大隐患"}
STAGE_NAMES = {"before": "整改前", "after": "整改后"}
EVENT_NAMES = {
    "reported": "上报了隐患",
    "planned": "制定了整改方案",
    "plan_revised": "修改了整改方案",
    "started": "开始整改",
    "fix_submitted": "提交了整改结果",
    "rejected": "驳回了整改",
    "verified": "验收通过",
    "marked_duplicate": "标记为重复隐患",
    "fixed_on_spot": "当场整改完毕",
    "closed": "关闭：不是隐患",
    "escalated": "隐患逾期未整改，已提醒上级督办",
    "classify": "确定了隐患类别",
}


def escalation_name(level: int) -> str:
    """Who an overdue hazard has been escalated to."""
    return LEVEL_NAMES.get(level, "未升级")
