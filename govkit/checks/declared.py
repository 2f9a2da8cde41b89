"""Rules without a check function: findings of the importer, of unreadable data files, of a failed rule.

They are declared here so that every rule id any part of govkit uses is in the one registry
(the district matrix shows them as columns, and ``--strict`` import decides by them).
"""

from __future__ import annotations

from govkit.checks.registry import registry

registry.declare(
    "check-failed",
    "error",
    "check",
    title="检查未完成",
    message="某条检查规则无法完成（报告数据异常），其余检查照常进行；请核对报告数据",
)
registry.declare(
    "datafile-unreadable",
    "error",
    "datafile",
    title="数据文件无法读取",
    message="数据文件无法读取（YAML 语法、字段或数值不符合要求），须改正后才能检查",
)
registry.declare(
    "previous-unreadable",
    "warning",
    "datafile",
    title="上年数据文件无法读取",
    message="同一机关上年的数据文件无法读取，跨年度检查未进行；须改正上年文件",
)

_IMPORT = (
    ("import-missing-table", "缺少表格", "已发布的报告中没有找到某张统计表，其单元格全部留空"),
    ("import-missing-row", "缺少行", "统计表中缺少官方格式的某一行，其单元格留空"),
    ("import-missing-cell", "缺少数值", "某行的数值少于栏目数，缺少的单元格留空"),
    ("import-unreadable-cell", "数值无法识别", "单元格的内容不是可识别的数值，留空"),
    ("import-unknown-label", "无法对应的行", "统计表中有无法对应官方格式的行，其数值未导入"),
    ("import-missing-section", "缺少部分", "没有找到年度报告六个部分中的某一部分"),
    ("import-missing-meta", "缺少标题信息", "标题中没有机关名称或年度，已按推断值导入，须核对"),
    ("import-extra-cells", "多余数值", "某行的数值多于栏目数或重复出现，多出的数值未导入"),
    ("import-stray-value", "游离数值", "统计表中有不属于任何一行的数值，未导入"),
    ("import-old-format", "格式与年度不符", "报告使用的格式与其年度应使用的格式不一致，已按原样导入"),
    ("import-header-variant", "表头改动", "表头与官方格式不一致，按官方表头导入"),
    ("import-label-variant", "行名称改动", "行名称与官方格式略有不同，按最接近的官方行名称导入，须核对"),
    ("import-unit-converted", "单位换算", "数值带有单位（如万元），已换算为表格规定的单位导入，须核对"),
    (
        "import-agency-uncertain",
        "机关名称不确定",
        "未能可靠识别机关名称，暂以 --agency 或文件名作为机关名称，须核对",
    ),
    (
        "import-traditional-converted",
        "繁体字已转换",
        "原文为繁体字，已用 OpenCC 转换为简体后导入（数字不变），文字须核对",
    ),
    (
        "import-amount-unit-unknown",
        "金额单位不明",
        "金额的表头和数值都没有写明单位（元或万元），按所写数字导入，须核对",
    ),
)
for _id, _title, _message in _IMPORT:
    registry.declare(_id, "warning", "import", title=_title, message=_message)
