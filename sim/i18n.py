"""Labels in Chinese and English, in one place for the whole project: the teaching app's (``LABELS``),
the command line's words (``WORDS``) and the names of the measures ``python -m sim`` prints
(``MEASURES``); plus the width of text on a terminal (Chinese characters take two columns) and the
name a scenario, structure or section shows in a language (``display``).

``t(key, lang)`` looks an app label up; ``LABELS[lang]`` must hold the same keys for every language
(tests/test_app.py checks it). Labels with ``{name}`` fields are filled with ``str.format``.
``analysis.i18n`` re-exports this module for the app.
"""
from __future__ import annotations

import unicodedata

from .structure import Body, Section

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "app_title": "科室结构改革模拟：两种结构并排运行",
        "language": "语言",
        # model parameters (sidebar)
        "scenario": "场景",
        "structure_a": "结构 A",
        "structure_b": "结构 B",
        "auto": "(默认)",
        "seed": "随机种子",
        "absence": "缺勤率 ×",
        "workload": "工作量",
        "coord_steps": "协调环节",
        "section_size": "科室规模 ×",
        "speed": "速度",
        "speed_value": "{n} 天/秒",
        "reset": "重置",
        "step": "单步",
        "play": "运行",
        "pause": "暂停",
        "not_applied": "未应用",
        "pending": "尚未生效：{names}（按“重置”应用）",
        "upload": "上传场景 YAML…",
        "upload_ok": "已载入 {name}：{n} 个结构；按“重置”运行",
        "upload_bad": "上传的内容无法识别",
        "uploaded_item": "上传：{name}",
        # org chart
        "busy": "忙",
        "idle": "闲",
        "absent": "缺勤",
        "head_marker": "方形 = 科长/副科长",
        "queue": "待办",
        "queue_legend": "数字 = 科室待办件数",
        "halted": "停办",
        "halted_tip": "停办：能办这项工作的人都不在",
        "halted_legend": "停办（能办的人都不在）",
        "merged_legend": "合并科室（叠放 = 加挂旧牌子）",
        "combo_legend": "虚线框 = 组团",
        "combo_label": "组团：{lead}牵头（{n} 个单位）",
        "nameplates": "加挂：",
        "leaders": "领导",
        "tray_n": "待批 {n}",
        "concurrent_head": "兼任{body}负责人",
        "direct_handling": "领导兼任 · 直接审批",
        "windows": "窗口 {n} 个",
        "window_n": "窗口 {n}",
        "sections_staff": "{sections} 个科室 · {staff} 人",
        "level_director": "局长",
        "level_deputy_director": "副局长",
        "level_party_secretary": "书记",
        "level_convener": "召集领导",
        "level_deputy_county_head": "副县长",
        # trends
        "day": "工作日",
        "trend_cycle": "办结周期（天，近 {window} 天）",
        "trend_halts": "停办次数（累计）",
        "trend_cv": "忙闲不均（利用率变异系数）",
        "warmup_note": "灰色：预热期（前 {days} 天队列从空开始，结果不计入）",
        "transition_note": "斜线：{side} 的过渡期（{days} 天，调岗人员起初慢 {slowdown}%，逐渐恢复）",
        # numbers
        "metric": "指标",
        "b_minus_a": "B − A",
        "better": "较好",
        "worse": "较差",
        "same": "相近",
        "points": "百分点",
        "day_of": "第 {day} / {days} 个工作日",
        "phase_warmup": "预热期",
        "phase_transition": "{side} 过渡期",
        "phase_done": "已运行完",
        "table_since": "自第 {days} 个工作日起计（预热期不计入）",
        "table_warmup": "预热期：第 {days} 个工作日起重新计数",
        "note_same_structure": "A 与 B 是同一个结构：两边只因结构相同而一样",
        "upload_failed": "无法载入（{reason}）",
        "tasks_arrived": "到达事项",
        "tasks_completed": "办结事项",
        "wip": "在办事项",
        "mean_cycle_days": "平均办结周期（天）",
        "steps_per_task": "每件环节数",
        "handoffs_per_task": "每件跨科室交接",
        "halts_total": "停办次数",
        "halt_hours": "停办时长（小时）",
        "util_mean": "平均利用率",
        "util_cv_short": "利用率变异系数",
        "idle_share": "闲置占比（<30%）",
        "overloaded_share": "超负荷占比（>90%）",
        "leader_trays": "领导待批",
        "in_effect": "正在运行：负荷 {workload} · 缺勤 ×{absence} · 协调环节 {coord_steps} · 科室规模 ×{section_size} · 种子 {seed}",
        "note_structure": "结构 {asked} 不属于场景 {scenario}，改用 {used}",
        "note_size": "该场景无法按 ×{m} 调整科室规模（{reason}），保持原规模",
        "note_size_none": "该场景没有可调的科员人数（count），科室规模滑块不起作用",
        # values the page sent that the server refused or replaced (tests/test_app*.py send them)
        "note_scenario": "场景 {value} 不是本应用的场景",
        "note_choice": "{param}：{value} 不在可选项中",
        "note_number": "{param}：{value} 不是数字",
        "note_finite": "{param}：{value} 不是有限的数",
        "note_range": "{param}：{value} 超出 {lo} 至 {hi} 的范围",
        "note_whole": "{param}：{value} 不是整数",
        "note_using": "，改用 {used}",
        "note_refused": "，已拒绝",
        "note_overrides": "这些参数不适用于该场景（{reason}），改用场景自身的参数",
        "scenario_own": "场景自身的值",
        "dismiss": "知道了",
    },
    "en": {
        "app_title": "Section-structure reform: two structures side by side",
        "language": "Language",
        "scenario": "Scenario",
        "structure_a": "Structure A",
        "structure_b": "Structure B",
        "auto": "(default)",
        "seed": "Seed",
        "absence": "Absence ×",
        "workload": "Workload",
        "coord_steps": "Coord. steps",
        "section_size": "Section size ×",
        "speed": "Speed",
        "speed_value": "{n} days/s",
        "reset": "Reset",
        "step": "Step",
        "play": "Play",
        "pause": "Pause",
        "not_applied": "not applied",
        "pending": "Not applied yet: {names} (press Reset)",
        "upload": "Upload scenario YAML…",
        "upload_ok": "Loaded {name}: {n} structures; press Reset to run it",
        "upload_bad": "the upload could not be read",
        "uploaded_item": "Uploaded: {name}",
        "busy": "busy",
        "idle": "idle",
        "absent": "absent",
        "head_marker": "square = section head/deputy",
        "queue": "queue",
        "queue_legend": "number = tasks queued in the section",
        "halted": "halted",
        "halted_tip": "halted: everyone who can do this work is away",
        "halted_legend": "halted (everyone able is away)",
        "merged_legend": "merged section (stacked = old nameplates kept)",
        "combo_legend": "dashed frame = combo",
        "combo_label": "Combo led by {lead} ({n} bodies)",
        "nameplates": "also: ",
        "leaders": "Leaders",
        "tray_n": "in-tray {n}",
        "concurrent_head": "also heads {body}",
        "direct_handling": "concurrent head · approves directly",
        "windows": "Windows: {n}",
        "window_n": "Window {n}",
        "sections_staff": "{sections} sections · {staff} staff",
        "level_director": "Director",
        "level_deputy_director": "Deputy director",
        "level_party_secretary": "Party secretary",
        "level_convener": "Convening leader",
        "level_deputy_county_head": "Deputy county head",
        "day": "working day",
        "trend_cycle": "Cycle time (days, last {window} days)",
        "trend_halts": "Halts (cumulative)",
        "trend_cv": "Uneven load (CV of utilisation)",
        "warmup_note": "grey: warm-up (queues start empty; the first {days} days are not measured)",
        "transition_note": "hatched: {side}'s transition ({days} days; moved staff {slowdown}% slower at first, recovering)",
        "metric": "measure",
        "b_minus_a": "B − A",
        "better": "better",
        "worse": "worse",
        "same": "same",
        "points": "pt",
        "day_of": "Working day {day} of {days}",
        "phase_warmup": "warm-up",
        "phase_transition": "{side} in transition",
        "phase_done": "finished",
        "table_since": "Counted from working day {days} (the warm-up is left out)",
        "table_warmup": "Warm-up: counting starts again at working day {days}",
        "note_same_structure": "A and B are the same structure: the two sides match because nothing differs",
        "upload_failed": "Could not load ({reason})",
        "tasks_arrived": "Tasks arrived",
        "tasks_completed": "Tasks completed",
        "wip": "Tasks in progress",
        "mean_cycle_days": "Mean cycle time (days)",
        "steps_per_task": "Steps per task",
        "handoffs_per_task": "Handoffs per task",
        "halts_total": "Halts",
        "halt_hours": "Halted hours",
        "util_mean": "Mean utilisation",
        "util_cv_short": "CV of utilisation",
        "idle_share": "Idle (<30 %)",
        "overloaded_share": "Overloaded (>90 %)",
        "leader_trays": "Leaders' in-trays",
        "in_effect": "Running: load {workload} · absence ×{absence} · coordination steps {coord_steps} · section size ×{section_size} · seed {seed}",
        "note_structure": "structure {asked} is not in scenario {scenario}; using {used}",
        "note_size": "cannot scale sections by ×{m} in this scenario ({reason}); sizes unchanged",
        "note_size_none": "this scenario has no staff counts to scale; the section-size slider has no effect",
        "note_scenario": "scenario {value} is not one of the app's scenarios",
        "note_choice": "{param}: {value} is not one of the choices",
        "note_number": "{param}: {value} is not a number",
        "note_finite": "{param}: {value} is not a finite number",
        "note_range": "{param}: {value} is outside {lo} to {hi}",
        "note_whole": "{param}: {value} is not a whole number",
        "note_using": "; using {used}",
        "note_refused": "; refused",
        "note_overrides": "these settings do not fit the scenario ({reason}); using its own values",
        "scenario_own": "the scenario's own value",
        "dismiss": "OK",
    },
}



def t(key: str, lang: str = DEFAULT_LANGUAGE, **fields) -> str:
    """The label ``key`` in ``lang`` (falling back to English, then to the key itself)."""
    text = LABELS.get(lang, {}).get(key) or LABELS["en"].get(key) or key
    return text.format(**fields) if fields else text


CLI_LANGUAGE = "en"  # the command line's default: its output before --lang existed was English (tests pin it)

# every measure ``python -m sim`` prints: sim.METRICS and the counts mechanisms add (run, compare),
# the per-procedure measures (compare --workflow) and the per-section ones (compare --by section)
MEASURES: dict[str, dict[str, str]] = {
    "en": {
        "tasks_arrived": "tasks arrived", "tasks_completed": "tasks completed", "tasks_unfinished": "tasks unfinished",
        "share_unfinished": "share unfinished", "mean_age_unfinished_days": "mean age of unfinished (days)",
        "mean_cycle_hours": "mean cycle time (h)", "median_cycle_hours": "median cycle time (h)",
        "p90_cycle_hours": "90th pct cycle time (h)", "mean_cycle_days": "mean cycle time (days)",
        "steps_per_task": "steps per task", "work_steps_per_task": "work steps per task",
        "coordination_steps_per_task": "coordination steps per task",
        "internal_steps_per_task": "internal coordination steps per task",
        "handoffs_per_task": "section handoffs per task", "cross_body_handoffs_per_task": "body handoffs per task",
        "approval_levels_per_task": "approval levels per task", "mean_wait_hours": "mean waiting (h)",
        "mean_halted_hours": "mean halted (h)", "halts_per_1000_staff_days": "halts per 1,000 staff-days",
        "share_tasks_halted": "share of tasks halted", "util_mean": "mean utilisation", "util_cv": "CV of utilisation",
        "util_gini": "Gini of utilisation", "idle_share": "share idle (<30 %)", "overloaded_share": "share overloaded (>90 %)",
        "window_visits_per_service": "window visits per service", "material_sets_per_service": "material sets per service",
        "trips_per_service": "trips per service", "leader_posts": "leader posts",
        "leader_posts_per_100_staff": "leader posts per 100 staff",
        "section_lead_posts_per_100_staff": "section lead posts per 100 staff", "released_leaders": "released leaders",
        "leader_hours_share": "leaders' share of hours", "passes_per_task": "passes per task",
        "returns_per_task": "returns per task",
        # per procedure (means over one workflow's measured tasks)
        "tasks": "tasks finished", "cycle_days": "cycle time (working days)", "cycle_hours": "cycle time (working hours)",
        "steps": "steps", "work_steps": "work steps", "coordination_steps": "coordination steps",
        "handoffs": "section handoffs", "approval_levels": "approval levels", "waiting_hours": "waiting (h)",
        "halted_hours": "halted (h)", "window_visits": "window visits", "material_sets": "material sets",
        "trips": "trips", "over_limit": "share over the time limit",
        # per section
        "staff": "staff", "utilisation": "utilisation", "work_done": "tasks handled (work steps)",
        "halts": "halts", "queue_wait_hours": "queue wait (h)",
        # of a structure (Structure.counts: the report's before/after table)
        "bodies": "bodies", "sections": "sections", "business_sections": "business sections",
        "general_sections": "general sections", "business_share": "business-section share",
        "one_person_sections": "one-person sections", "staff_per_section": "staff per section",
        "windows": "service windows",
    },
    "zh": {
        "tasks_arrived": "到达事项", "tasks_completed": "办结事项", "tasks_unfinished": "未办结事项",
        "share_unfinished": "未办结占比", "mean_age_unfinished_days": "未办结事项平均已等（天）",
        "mean_cycle_hours": "平均办结周期（小时）", "median_cycle_hours": "办结周期中位数（小时）",
        "p90_cycle_hours": "办结周期90分位（小时）", "mean_cycle_days": "平均办结周期（天）",
        "steps_per_task": "每件环节数", "work_steps_per_task": "每件办理环节",
        "coordination_steps_per_task": "每件协调环节", "internal_steps_per_task": "每件科内协调环节",
        "handoffs_per_task": "每件跨科室交接", "cross_body_handoffs_per_task": "每件跨单位交接",
        "approval_levels_per_task": "每件审批层级", "mean_wait_hours": "平均等待（小时）",
        "mean_halted_hours": "平均停办（小时）", "halts_per_1000_staff_days": "每千人日停办次数",
        "share_tasks_halted": "遇停办事项占比", "util_mean": "平均利用率", "util_cv": "利用率变异系数",
        "util_gini": "利用率基尼系数", "idle_share": "闲置者占比（<30%）", "overloaded_share": "超负荷者占比（>90%）",
        "window_visits_per_service": "每项服务窗口次数", "material_sets_per_service": "每项服务材料套数",
        "trips_per_service": "每项服务跑动次数", "leader_posts": "领导职数",
        "leader_posts_per_100_staff": "每百人领导职数", "section_lead_posts_per_100_staff": "每百人科级领导职数",
        "released_leaders": "转入周转池的领导", "leader_hours_share": "领导工时占比",
        "passes_per_task": "每件推诿次数", "returns_per_task": "每件退回修改次数",
        "tasks": "办结件数", "cycle_days": "办理时间（工作日）", "cycle_hours": "办理时间（工作小时）",
        "steps": "环节数", "work_steps": "办理环节", "coordination_steps": "协调环节",
        "handoffs": "跨科室交接", "approval_levels": "审批层级", "waiting_hours": "等待（小时）",
        "halted_hours": "停办（小时）", "window_visits": "窗口次数", "material_sets": "材料套数",
        "trips": "跑动次数", "over_limit": "超期率",
        "staff": "人数", "utilisation": "利用率", "work_done": "办理事项（办理环节）",
        "halts": "停办次数", "queue_wait_hours": "排队等待（小时）",
        "bodies": "单位数", "sections": "科室数", "business_sections": "业务科室数", "general_sections": "综合科室数",
        "business_share": "业务科室占比", "one_person_sections": "一人科", "staff_per_section": "平均每科人数",
        "windows": "服务窗口",
    },
}

# the command line's own words (column headers, the lines above and below a table)
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "metric": "metric", "section": "section", "ci": "95% CI", "structure": "structure", "label": "label",
        "mean": "mean", "ci_low": "95% CI low", "ci_high": "95% CI high", "n": "replications", "table": "table",
        "value": "value", "body": "body", "section_name": "section name", "workflow": "workflow",
        "run_head": "{scenario}: seed {seed}, {window} ({file})",
        "compare_head": "{scenario}: {replications} replications, common random numbers, seed {seed}, {window}",
        "workflow_head": "{workflow} ({name})",
        "limit_note": "promised time limit (承诺时限) {days:g} working days: share of finished tasks over it",
        "section_head": "{structure}: per section, mean ± half the 95% CI over replications",
        "window": "{days} working days, the first {warm} not measured{note}",
        "window_cut": " (the scenario's {warmup}-day warm-up cut to {warm} for this short run)",
        # the report (python -m sim report)
        "report_title": "Section-structure reform: a simulated comparison",
        "report_compared": "structures compared", "report_date": "date", "report_seed": "random seed",
        "report_horizon": "simulated span", "report_file": "scenario file", "report_summary": "Summary",
        "report_intro": "The same workload, the same people and the same absences were run through each structure "
                        "({replications} replications, common random numbers). Compared with {base}, {alt}:",
        "report_less": "{label} lower by {value} (95% CI {lo} to {hi})",
        "report_more": "{label} higher by {value} (95% CI {lo} to {hi})",
        "report_same": "{label}: no clear difference ({value}, 95% CI {lo} to {hi})",
        "report_sections": "sections {a} → {b}, one-person sections {oa} → {ob}",
        "report_structure_head": "Before and after: the structures", "report_change": "change",
        "report_limit": "approved cap on sections (科室限额)",
        "report_over": "{n} over the cap of {limit}", "report_within": "within the cap of {limit} ({n} to spare)",
        "report_org_head": "Org charts before and after",
        "report_org_note": "Dots are people, coloured by their main skill; large dots are section heads; a black ring "
                           "marks a person the reform moved.",
        "report_overall_head": "Overall: throughput, steps and waiting", "report_load_head": "Halts and load balance",
        "report_table_note": "Each structure's mean over the replications with its 95% CI; the difference is paired "
                             "(the same replications under both structures).",
        "report_procedures_head": "Per procedure: time and steps",
        "report_verdict": "judgement", "better": "better", "worse": "worse", "unclear": "no clear difference",
        "report_assumptions_head": "Assumptions and their sources",
        "report_assumptions_note": "Every value the scenario file sets under calendar, workload and params, with "
                                   "the comment in the file that gives its source (in italics: the comment of the "
                                   "block it stands in). Marked: assumptions, and values still to fill in (TODO).",
        "parameter": "parameter", "source": "source (comment in the file)", "tag_assumption": "assumption",
        "tag_todo": "TODO", "tag_none": "no source given",
        "report_sensitivity_head": "Sensitivity: do the differences hold?",
        "report_sensitivity_note": "One factor changed at a time, {replications} replications per case on the "
                                   "same seeds; a difference holds when its direction is the same as with the file's "
                                   "values.",
        "case": "case", "base_case": "the file's values", "absence_case": "absence ×{x:g}", "load_case": "workload ×{x:g}",
        "holds": "same direction", "flips": "reversed", "vanishes": "no clear difference",
        "sens_holds": "{label} ({alt} − {base}): the direction holds in {held} of {cases} cases.",
        "sens_unclear": "{label} ({alt} − {base}): no clear difference with the file's values; nothing to hold.",
        "report_footer": "Made by python -m sim report from {file} in {seconds:.0f} s. The figures are simulated, "
                         "not measured: read them with the assumptions above.",
        # the org chart (analysis.orgchart)
        "org_title": "{title}: {sections} sections, {one} one-person, {per:.1f} staff/section, {staff} staff{windows}",
        "org_windows": ", {n} service windows", "org_moved": "moved by reform",
        "post_head": "head", "post_deputy": "deputy", "post_staff": "staff", "post_commissioner": "commissioner",
    },
    "zh": {
        "metric": "指标", "section": "科室", "ci": "95%置信区间", "structure": "结构", "label": "名称",
        "mean": "均值", "ci_low": "95%置信区间下限", "ci_high": "95%置信区间上限", "n": "重复次数", "table": "表",
        "value": "数值", "body": "单位", "section_name": "科室名称", "workflow": "事项",
        "run_head": "{scenario}：随机种子 {seed}，{window}（{file}）",
        "compare_head": "{scenario}：{replications} 次重复，共同随机数，随机种子 {seed}，{window}",
        "workflow_head": "{name}（{workflow}）",
        "limit_note": "承诺时限 {days:g} 个工作日：已办结事项中超期的比例",
        "section_head": "{structure}：各科室，重复均值 ± 95%置信区间半宽",
        "window": "模拟 {days} 个工作日，前 {warm} 个不计{note}",
        "window_cut": "（场景的 {warmup} 天预热期在本次短运行中缩为 {warm} 天）",
        "report_title": "科室结构改革模拟测算报告",
        "report_compared": "对比结构", "report_date": "日期", "report_seed": "随机种子",
        "report_horizon": "模拟期", "report_file": "场景文件", "report_summary": "摘要",
        "report_intro": "同样的工作量、同样的人员、同样的缺勤，分别在各结构下运行（{replications} 次重复，共同随机数）。"
                        "与{base}相比，{alt}：",
        "report_less": "{label}减少 {value}（95%置信区间 {lo} 至 {hi}）",
        "report_more": "{label}增加 {value}（95%置信区间 {lo} 至 {hi}）",
        "report_same": "{label}无明显差异（{value}，95%置信区间 {lo} 至 {hi}）",
        "report_sections": "科室 {a} → {b} 个，一人科 {oa} → {ob} 个",
        "report_structure_head": "改革前后对比表", "report_change": "变化",
        "report_limit": "科室限额",
        "report_over": "超出限额 {n} 个（限额 {limit} 个）", "report_within": "符合限额（限额 {limit} 个，尚余 {n} 个）",
        "report_org_head": "改革前后组织图",
        "report_org_note": "圆点为人员，颜色表示其主要职能；大圆点为科长；带黑圈者为改革中调整岗位的人员。",
        "report_overall_head": "总体：办结、环节与等待", "report_load_head": "停办与忙闲不均",
        "report_table_note": "各结构为各次重复的均值及95%置信区间；差值为配对差值（同一组重复在两种结构下运行）。",
        "report_procedures_head": "分事项：办理时间与环节",
        "report_verdict": "判断", "better": "更好", "worse": "更差", "unclear": "无明显差异",
        "report_assumptions_head": "假设与来源",
        "report_assumptions_note": "场景文件中 calendar（日历）、workload（工作量）、params（参数）下的每个取值，及文件中注明其来源的注释"
                                   "（斜体：所在段落的注释）。已标出假设值，以及尚须按本单位台账填写的值（待填）。",
        "parameter": "参数", "source": "来源（文件中的注释）", "tag_assumption": "假设", "tag_todo": "待填",
        "tag_none": "未注明来源",
        "report_sensitivity_head": "敏感性检验：差异方向是否稳定",
        "report_sensitivity_note": "每次只改变一个因素，每种情形 {replications} 次重复（相同随机种子）；"
                                   "差值方向与文件取值下相同即为“方向不变”。",
        "case": "情形", "base_case": "文件取值", "absence_case": "缺勤率 ×{x:g}", "load_case": "工作量 ×{x:g}",
        "holds": "方向不变", "flips": "方向反转", "vanishes": "无明显差异",
        "sens_holds": "{label}（{alt} − {base}）：{cases} 种情形中 {held} 种方向不变。",
        "sens_unclear": "{label}（{alt} − {base}）：文件取值下无明显差异，不作检验。",
        "report_footer": "本报告由 python -m sim report 根据 {file} 生成，用时 {seconds:.0f} 秒。数字为模拟测算结果而非实测，"
                         "须结合上列假设阅读。",
        "org_title": "{title}：{sections} 个科室，一人科 {one} 个，平均每科 {per:.1f} 人，共 {staff} 人{windows}",
        "org_windows": "，{n} 个服务窗口", "org_moved": "改革中调整岗位",
        "post_head": "科长", "post_deputy": "副科长", "post_staff": "科员", "post_commissioner": "专员",
    },
}


def measure(key: str, lang: str = CLI_LANGUAGE) -> str:
    """The name of measure ``key`` in ``lang``; a count a mechanism adds falls back to its id."""
    return MEASURES.get(lang, {}).get(key) or MEASURES["en"].get(key) or key


def word(key: str, lang: str = CLI_LANGUAGE, **fields) -> str:
    """A word or line of the command line in ``lang`` (``str.format`` fields)."""
    text = WORDS.get(lang, {}).get(key) or WORDS["en"][key]
    return text.format(**fields) if fields else text


def display(thing, lang: str = CLI_LANGUAGE) -> str:
    """The name a scenario, structure, body or section shows in ``lang``: its ``display_name`` there;
    else a section's or body's ``name`` in Chinese (the embedded scenarios write it in Chinese) and its
    id in English; else the scenario's or structure's own name."""
    given = (getattr(thing, "display_name", None) or {}).get(lang)
    if given:
        return given
    if isinstance(thing, (Section, Body)):  # ``name`` is Chinese, ``id`` the English fallback
        return thing.name if lang == "zh" and thing.name else thing.id
    return thing.name


def window_text(sc, days, lang: str = CLI_LANGUAGE) -> str:
    """The simulated and measured span of scenario ``sc``, saying so when a short run cuts its warm-up."""
    days = days or sc.horizon_days
    warm = round(sc.warmup_hours(days) / sc.calendar.hours_per_day)
    note = word("window_cut", lang, warmup=sc.warmup_days, warm=warm) if warm < sc.warmup_days else ""
    return word("window", lang, days=days, warm=warm, note=note)


def fmt(v) -> str:
    """A number for people: three decimals under 100, one above, thousands separated; NaN as —."""
    return "—" if v is None or v != v else f"{v:,.3f}" if abs(v) < 100 else f"{v:,.1f}"


def ci_text(mean, lo, hi) -> str:
    """mean [low, high]: a value with its 95 % CI, as every table of the command line shows it."""
    return f"{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]"


def width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese (East Asian wide and full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell(text: str, columns: int, right: bool = False) -> str:
    """``text`` clipped (with …) and padded to ``columns`` terminal columns."""
    if width(text) > columns:
        while width(text) > columns - 1:
            text = text[:-1]
        text += "…"
    pad = " " * (columns - width(text))
    return pad + text if right else text + pad


def aligned(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    """A plain text table whose columns line up in terminal columns whatever the script: the first
    ``left`` columns flush left, the others flush right (numbers)."""
    cols = [header, *rows]
    widths = [max(width(r[i]) for r in cols) for i in range(len(header))]
    lines = ["  ".join(cell(v, w, right=i >= left) for i, (v, w) in enumerate(zip(r, widths))).rstrip() for r in cols]
    return "\n".join(lines)
