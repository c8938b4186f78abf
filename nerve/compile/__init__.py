"""The one compiler: graphs to jitted pure functions, and symbolic gradients."""

from nerve.compile.function import Function, compile_count, function
from nerve.compile.gradients import gradients

__all__ = ["Function", "compile_count", "function", "gradients"]
