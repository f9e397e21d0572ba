"""The build pipeline: what is out of date, execute, collect.

:mod:`~generator.pipeline.build` decides which files are out of date (the
:mod:`~generator.pipeline.manifest` of input hashes), sends each set of a guide, language and
brand as a small :class:`~generator.pipeline.tasks.Task` to an executor
(:mod:`~generator.pipeline.executors`: serial, the local process pool, or any
``concurrent.futures.Executor``), where it is rendered and written through a
:mod:`~generator.pipeline.sink`, and collects what each wrote (name, digest, size).
"""
