"""References to exercises in the PDF edition (python3 dev.py pdf).

sphinx-exercise labels an exercise ``exercise:<label>`` in LaTeX, but references to it
keep Sphinx's ``<docname>:<label>`` address when they cross chapters ("Exercise ??" in
the PDF), and the ones it does rewrite print their text unescaped, so a title such as
"right 95 % of the time" comments out the rest of a LaTeX line. This post-transform runs
just before sphinx-exercise's (priority 22) and points every reference to an exercise at
``exercise:<label>`` as an ordinary Sphinx reference, whose text the LaTeX writer escapes.
The HTML build is untouched.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import exercise_enumerable_node


def _label(ref: nodes.reference) -> str | None:
    uri = ref.get("refuri", "")
    if uri.startswith("%") and "#" in uri:
        return uri.rpartition("#")[2]
    return ref.get("refid")


class ExerciseRefsForLatex(SphinxPostTransform):
    default_priority = 21
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for ref in list(self.document.findall(nodes.reference)):
            label = _label(ref)
            target = registry.get(label, {}).get("node") if label else None
            if isinstance(target, exercise_enumerable_node):
                plain = nodes.reference("", "", *ref.children, internal=True,
                                        refuri=f"%exercise#{label}")
                ref.replace_self(plain)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_post_transform(ExerciseRefsForLatex)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
