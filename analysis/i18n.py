"""Labels of the teaching app in Chinese and English, in one place.

``t(key, lang)`` looks a label up; ``LABELS[lang]`` must hold the same keys for every language
(tests/test_app.py checks it). Labels with ``{name}`` fields are filled with ``str.format``.
"""
from __future__ import annotations

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
        "controls": "运行控制",
        "model_parameters": "模型参数",
        "information": "信息",
        "play_interval": "播放间隔（毫秒）",
        "render_interval": "每次刷新步数",
        # org chart
        "org_chart": "组织图",
        "busy": "忙",
        "idle": "闲",
        "absent": "缺勤",
        "head_marker": "方块 = 科长/副科长",
        "queue": "待办",
        "halted": "停办",
        "sections_staff": "{sections} 个科室 · {staff} 人",
        "trays": "领导待批 {n} 件",
        # plots
        "plots": "实时指标",
        "day": "工作日",
        "cycle_days": "办结周期（天，近 {window} 天办结）",
        "halts": "停办次数（累计）",
        "util_cv": "忙闲不均（利用率变异系数）",
        # numbers
        "numbers": "数字",
        "metric": "指标",
        "day_of": "第 {day} / {days} 个工作日",
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
        "idle_share": "闲置者占比（<30%）",
        "overloaded_share": "超负荷者占比（>90%）",
        "leader_trays": "领导待批",
        "in_effect": "当前参数：负荷 {workload} · 缺勤 ×{absence} · 协调环节 {coord_steps} · 科室规模 ×{section_size} · 种子 {seed}",
        "hint": "调整左侧参数后按 Reset 生效；Step 前进一个工作日，▶ 连续运行。缺勤率 × 乘以出差、请假、培训、会议的频率；"
                "工作量为负荷系数；协调环节为每次跨科室交接的步骤数；科室规模 × 乘以各科科员人数（科长不变）。"
                "两种结构使用相同的随机种子：到达事项和缺勤完全相同（共同随机数）。",
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
        "controls": "Controls",
        "model_parameters": "Model parameters",
        "information": "Information",
        "play_interval": "Play interval (ms)",
        "render_interval": "Render interval (steps)",
        "org_chart": "Org chart",
        "busy": "busy",
        "idle": "idle",
        "absent": "absent",
        "head_marker": "square = section head/deputy",
        "queue": "queue",
        "halted": "halted",
        "sections_staff": "{sections} sections · {staff} staff",
        "trays": "leaders' in-trays: {n}",
        "plots": "Live measures",
        "day": "working day",
        "cycle_days": "Cycle time (days, done in last {window} days)",
        "halts": "Halts (cumulative)",
        "util_cv": "Uneven load (CV of utilisation)",
        "numbers": "Numbers",
        "metric": "measure",
        "day_of": "Working day {day} of {days}",
        "tasks_arrived": "Tasks arrived",
        "tasks_completed": "Tasks completed",
        "wip": "Tasks in progress",
        "mean_cycle_days": "Mean cycle time (days)",
        "steps_per_task": "Steps per task",
        "handoffs_per_task": "Section handoffs per task",
        "halts_total": "Halts",
        "halt_hours": "Halted hours",
        "util_mean": "Mean utilisation",
        "util_cv_short": "CV of utilisation",
        "idle_share": "Share idle (<30 %)",
        "overloaded_share": "Share overloaded (>90 %)",
        "leader_trays": "Leaders' in-trays",
        "in_effect": "In effect: load {workload} · absence ×{absence} · coordination steps {coord_steps} · section size ×{section_size} · seed {seed}",
        "hint": "Change the parameters on the left, then press Reset to apply them; Step advances one working day, ▶ runs on. "
                "Absence × multiplies how often people are away (trips, leave, training, meetings); workload is the load "
                "factor; coordination steps are the steps of each section-to-section handoff; section size × multiplies "
                "the staff of each section (heads stay). Both structures share the seed: the same tasks arrive and the "
                "same people are away (common random numbers).",
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
