"""govkit: tools to produce, check and publish 政府信息公开工作年度报告."""

from govkit.datafile import load, save
from govkit.model import Meta, Report

__version__ = "0.1.0"
__all__ = ["Meta", "Report", "__version__", "load", "save"]
