"""The editor's small style sheet, injected once per editor as an HTML widget (works in Voila too)."""

from __future__ import annotations

CSS = """
<style>
.govkit-editor { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
.govkit-grid { border-top: 1px solid #888; border-left: 1px solid #888; margin: 6px 0 14px 0; box-sizing: border-box; }
.govkit-grid > .widget-html, .govkit-grid > .govkit-cell {
  border-right: 1px solid #888; border-bottom: 1px solid #888; margin: 0 !important; padding: 2px;
  box-sizing: border-box; min-height: 30px;
}
.govkit-grid > .widget-html { display: flex; align-items: center; justify-content: center; background: #f4f6f8; }
.govkit-grid > .widget-html .widget-html-content { line-height: 1.3; white-space: normal; text-align: center; font-size: 12px; }
.govkit-grid > .govkit-rowlabel { justify-content: flex-start; background: #fafafa; }
.govkit-grid > .govkit-rowlabel .widget-html-content { text-align: left; }
.govkit-grid > .govkit-caption { justify-content: flex-start; background: #e8edf2; font-weight: bold; }
.govkit-grid > .govkit-cell { width: 100%; }
.govkit-cell input { width: 100%; text-align: right; }
.govkit-blank input { background: #fff8d6; }
.govkit-warn input, textarea.govkit-warn, .govkit-warn textarea { background: #fff1cc; border: 2px solid #d08c00 !important; }
.govkit-area input { border: 1px dashed #c62828 !important; }
.govkit-bad input, .govkit-bad textarea, .govkit-invalid input { background: #fde2e2; border: 2px solid #c62828 !important; }
.govkit-target { outline: 3px solid #1565c0; outline-offset: -1px; animation: govkit-pulse 1s ease-in-out 3; }
textarea.govkit-target, .govkit-target textarea { outline: 3px solid #1565c0; }
@keyframes govkit-pulse { 50% { outline-color: #90caf9; } }
.govkit-findings { border: 1px solid #ccc; padding: 6px; margin-top: 8px; max-height: 320px; overflow-y: auto; }
.govkit-finding-error .widget-html-content { color: #b71c1c; }
.govkit-finding-warning .widget-html-content { color: #8a5a00; }
.govkit-status-dirty .widget-html-content { color: #b71c1c; font-weight: bold; }
.govkit-status-ok .widget-html-content { color: #1b5e20; }
.govkit-dead-kernel { background: #fde2e2; color: #b71c1c; border: 2px solid #c62828; padding: 8px; margin: 6px 0; font-weight: bold; }
.govkit-draft, .govkit-conflict { border: 2px solid #d08c00; background: #fff8e1; padding: 6px; margin: 6px 0; }
</style>
"""
