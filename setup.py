"""Only the C extension lives here; everything else is in pyproject.toml.

The clean-post fast path (src/narcolex/detect/_fastpath.c) is optional: where no compiler is
available the build continues and the scanner uses the same prefilter in Python.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "narcolex.detect._fastpath",
            sources=["src/narcolex/detect/_fastpath.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
