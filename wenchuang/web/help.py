# ruff: noqa: E501 — help text, one task per line reads better than wrapped strings
"""The help page's content: per role, the common tasks and where to do them. Pure data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    title: str
    steps: str
    url_name: str = ""


COMMON = (
    Task(
        "修改密码",
        "右上角“修改密码”。密码至少12位，含大小写字母、数字、符号中的三类。",
        "accounts:password_change",
    ),
    Task(
        "遇到“无权访问”",
        "该页面不在本账号的角色或管辖区县范围内；如确需使用，请联系系统管理员调整角色或区县。",
    ),
)

STATISTICS = (
    Task(
        "查看指标进展",
        "驾驶舱的指标卡片给出最新值、目标和状态；点击卡片标题进入指标页，看序列、分区县与下载数据。",
        "web:cockpit",
    ),
    Task(
        "导入数据",
        "数据导入 → 选择数据类型 → 下载模板按列填写 → 上传；选择“全部成功才导入”或“只导入有效行”。完成的批次显示导入、更新、拒绝行数；被拒绝的行可下载查看原因。撤销会删除该批次写入的数据，撤销前会再次确认。",
        "ingest:home",
    ),
    Task(
        "复核分类",
        "分类复核：对按经营范围判定不确定的企业确认或改正文化产业类别；复核结果在重新导入后保持。",
        "ingest:review",
    ),
    Task(
        "生成监测报告",
        "报告中心 → 报告类型“统计监测报告”、年度、格式 → 生成报告；后台生成，完成后可下载，历史记录可重新下载。",
        "reports:home",
    ),
)

ROLES: dict[str, tuple[Task, ...]] = {
    "city_admin": (
        *STATISTICS,
        Task(
            "发布统计数据",
            "导入和重算只改变工作数据（驾驶舱标注「未发布」），公众首页与开放接口只显示已发布版本。数据发布 → 核对“待发布的变动”（指标、年度、原值→新值）→ 填写原因（修订发布必填）→ 发布为第N版；发布有误可在版本页填写原因撤回，公众随即看到上一版本。",
            "web:publications",
        ),
        Task(
            "编写并定稿终期评估报告",
            "报告中心 → 起草终期评估文稿：系统按最新数据起草主要成效、存在问题、对策建议、“十五五”思路，在线修改后保存 → 提交审核 → 定稿（定稿后不能修改）→ 生成 Word 或 PDF（A4 竖版、封面、页码“— 1 —”）。",
            "reports:home",
        ),
        Task(
            "签发企业认领邀请码",
            "邀请码 → 输入企业统一社会信用代码 → 签发；邀请码只显示一次，请通过安全渠道交给企业。",
            "accounts:invitation_list",
        ),
    ),
    "district_admin": (
        *STATISTICS,
        Task(
            "编写本区终期评估文稿",
            "报告中心 → 起草终期评估文稿（范围为本区）→ 修改后提交审核；由市级管理员定稿。",
            "reports:home",
        ),
        Task(
            "签发企业认领邀请码",
            "邀请码 → 输入本区企业的统一社会信用代码 → 签发。",
            "accounts:invitation_list",
        ),
    ),
    "data_manager": STATISTICS,
    "system_admin": (
        Task(
            "新建账号",
            "用户管理 → 新建账号：填写用户名、角色；区县管理员必须选择管辖区县。保存后显示一次临时密码。",
            "accounts:user_list",
        ),
        Task(
            "批量创建区县账号",
            "用户管理 → 批量创建区县账号 → 下载模板，每行填写用户名、姓名、区县、单位 → 上传。任一行有误则不创建，并逐行说明原因。",
            "accounts:user_import",
        ),
        Task(
            "停用账号、重置密码、调整角色",
            "用户管理 → 在账号行点击“停用”“重置密码”或“修改”。每项操作记入审计日志。",
            "accounts:user_list",
        ),
        Task(
            "签发与查看邀请码",
            "邀请码 → 输入企业统一社会信用代码签发；列表显示每个邀请码的状态（未使用、已使用、已过期）。",
            "accounts:invitation_list",
        ),
    ),
    "security_admin": (
        Task("解除账户锁定、管理双因素设备", "数据管理 → 登录尝试 / TOTP 设备。", "admin:index"),
    ),
    "audit_admin": (
        Task(
            "查阅与导出审计日志",
            "审计日志 → 按用户名、事件、结果、日期筛选 → 导出 CSV。",
            "accounts:audit_list",
        ),
    ),
    "enterprise": (Task("查看平台与空间布局", "平台库、空间布局公开可查。", "web:platform_list"),),
    "finance": (Task("查看平台与空间布局", "平台库、空间布局公开可查。", "web:platform_list"),),
    "anonymous": (
        Task(
            "登录", "右上角“登录”，输入用户名和密码；管理员和市级管理员还需输入动态验证码。", "accounts:login"
        ),
        Task("企业认领", "企业凭统一社会信用代码和主管部门签发的邀请码创建账号。", "accounts:claim"),
        Task("查看规划指标", "首页列出规划主要指标的最新公开数据。", "web:home"),
    ),
}


def tasks_for(role: str) -> tuple[Task, ...]:
    specific = ROLES.get(role, ROLES["anonymous"] if role == "anonymous" else ())
    return (*specific, *(COMMON if role != "anonymous" else ()))
