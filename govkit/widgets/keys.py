"""Keyboard and dead-kernel help for the editor page: a small script shown through an Output widget.

Core ipywidgets have no keyboard events, so a script (JupyterLab and Voila both render
``application/javascript`` outputs of the running kernel) adds, once per page:

* Enter / Tab / Shift+Tab in a table cell: commit it and move to the next (previous) cell in reading order;
* Ctrl+S (⌘S) inside the editor: commit the current input and click 保存 (the data file, not the notebook);
* a click on 保存 right after an edit waits (up to a few seconds) until the kernel has taken the edit;
* after a click on 保存, if the kernel does not answer within a few seconds, a plain notice that the
  kernel has stopped and that the edits are in the draft, to be restored on the next open.
"""

from __future__ import annotations

import ipywidgets as widgets

DEAD_KERNEL_NOTICE = (
    "内核已停止或没有响应，本次「保存」未执行。每次有效修改都已写入草稿，不会丢失："
    "请重新打开本页面（JupyterLab 中请重启内核并重新运行），然后点击「恢复草稿」，再保存。"
)
ANSWER_SECONDS = 8
EDIT_WAIT_SECONDS = 5  # longest a click on 保存 waits for the kernel to take the edit just made

SCRIPT = """
(function () {
  if (window.__govkitEditorKeys) { return; }
  window.__govkitEditorKeys = true;
  function editorOf(el) { return el && el.closest ? el.closest('.govkit-editor') : null; }
  function visibleCells(editor) {
    return Array.prototype.filter.call(editor.querySelectorAll('.govkit-cell input'),
      function (i) { return i.offsetParent !== null; });
  }
  function move(input, step) {
    var cells = visibleCells(editorOf(input));
    var next = cells[cells.indexOf(input) + step];
    if (next) { next.focus(); next.select(); }
    else { input.blur(); }
  }
  function watchSave(editor) {
    var counter = editor.querySelector('.govkit-saves');
    var before = counter ? counter.getAttribute('data-saves') : null;
    setTimeout(function () {
      var now = editor.querySelector('.govkit-saves');
      if (now && now.getAttribute('data-saves') === before && !editor.querySelector('.govkit-dead-kernel')) {
        var note = document.createElement('div');
        note.className = 'govkit-dead-kernel';
        note.setAttribute('role', 'alert');
        note.textContent = NOTICE;
        editor.insertBefore(note, editor.firstChild);
      }
    }, ANSWER_MS);
  }
  // A cell's new value and the click on 保存 travel separately (ipywidgets holds a model's update back
  // while its previous one is unanswered; a click is sent at once), so a click right after an edit
  // waits until the kernel has answered the edit: the status line's edit counter changes.
  var pending = null;
  function statusOf(editor) {
    var s = editor.querySelector('.govkit-saves');
    return s ? s.getAttribute('data-edits') : null;
  }
  document.addEventListener('change', function (e) {
    var editor = editorOf(e.target);
    if (editor) { pending = { editor: editor, before: statusOf(editor), at: Date.now() }; }
  }, true);
  function clickWhenAnswered(button, editor) {
    (function tick() {
      var answered = !pending || pending.editor !== editor || statusOf(editor) !== pending.before;
      if (answered || Date.now() - pending.at > WAIT_MS) {
        pending = null;
        button.__govkitReady = true;
        button.click();
      } else {
        setTimeout(tick, 50);
      }
    })();
  }
  document.addEventListener('click', function (e) {
    var button = e.target && e.target.closest ? e.target.closest('.govkit-save') : null;
    if (!button) { return; }
    var editor = editorOf(button);
    if (button.__govkitReady) { button.__govkitReady = false; watchSave(editor); return; }
    if (pending && pending.editor === editor && statusOf(editor) === pending.before) {
      e.preventDefault();
      e.stopImmediatePropagation();
      clickWhenAnswered(button, editor);
      return;
    }
    watchSave(editor);
  }, true);
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    var editor = editorOf(t);
    if (!editor && !document.querySelector('.jp-LabShell') && document.querySelectorAll('.govkit-editor').length === 1) {
      editor = document.querySelector('.govkit-editor');  // Voila: the page is the editor
    }
    if (!editor) { return; }
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      e.stopPropagation();
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) { t.blur(); }  // commits the value
      var b = editor.querySelector('.govkit-save');
      if (b) { b.click(); }
      return;
    }
    var inCell = t && t.tagName === 'INPUT' && t.closest('.govkit-cell');
    if (inCell && !e.ctrlKey && !e.altKey && !e.metaKey && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      e.stopPropagation();
      move(t, e.shiftKey ? -1 : 1);
    }
  }, true);
})();
"""


def script() -> str:
    """The page script, with the notice and the timeout filled in."""
    import json

    return (
        SCRIPT.replace("NOTICE", json.dumps(DEAD_KERNEL_NOTICE, ensure_ascii=False))
        .replace("ANSWER_MS", str(ANSWER_SECONDS * 1000))
        .replace("WAIT_MS", str(EDIT_WAIT_SECONDS * 1000))
    )


class KeyboardHelper:
    """The Output widget that runs :data:`SCRIPT` in the page once it is displayed."""

    def __init__(self) -> None:
        self.widget = widgets.Output(layout=widgets.Layout(height="0px", overflow="hidden"))
        self.widget.add_class("govkit-keys")
        from IPython.display import Javascript

        self.widget.append_display_data(Javascript(script()))


__all__ = ["DEAD_KERNEL_NOTICE", "KeyboardHelper", "script"]
