"""Interactive editing of an agency's report in JupyterLab or Voila, with core ipywidgets only.

``ReportEditor(data_file)`` shows the report's metadata, prose and tables 二 三 四 laid out like the
official form, re-runs the checks after every edit and saves atomically to the data file.
"""

from govkit.widgets.editor import ReportEditor, copy_path

__all__ = ["ReportEditor", "copy_path"]
