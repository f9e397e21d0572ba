"""Lay out once, stamp per brand: a batch's sets rendered from a template per
:class:`~generator.renderers.stamp.brandless.TemplateKey`, each brand only painting what it
changes (see :mod:`generator.renderers.stamp.brandless`)."""
