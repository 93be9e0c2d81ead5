"""One search box across the meetings."""

from django.views.generic import TemplateView

from ..search import MAX_HITS, SearchForm, search


class SearchView(TemplateView):
    """One search box across items, decisions, minutes texts and follow-ups (?q=...)."""

    template_name = "meetings/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET if "q" in self.request.GET else None)
        query, hits = "", []
        if form.is_bound and form.is_valid():
            query = form.cleaned_data["q"]
            hits = search(query, user=self.request.user) if query else []
        return super().get_context_data(
            form=form, query=query, hits=hits, max_hits=MAX_HITS, **kwargs
        )
