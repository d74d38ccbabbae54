"""The gallery site's template (page shell, style sheet, script, icon), shipped in the wheel so that
``lstmviz gallery init`` and ``gallery build`` work from ``pip install`` alone. Not copied to a site."""
