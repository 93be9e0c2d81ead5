"""One search box across the meetings."""

from django.views.generic import TemplateView

from ..search import ALL_YEARS, MAX_HITS, RECENT_YEARS, SearchForm, search


class SearchView(TemplateView):
    """One search box across items, decisions, minutes texts and follow-ups (?q=...), in the
    last RECENT_YEARS years unless ?periode=alle asks for every year."""

    template_name = "meetings/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET if "q" in self.request.GET else None)
        query, hits, since = "", [], None
        if form.is_bound and form.is_valid():
            query, since = form.cleaned_data["q"], form.since()
            hits = search(query, user=self.request.user, since=since) if query else []
        return super().get_context_data(
            form=form,
            query=query,
            hits=hits,
            max_hits=MAX_HITS,
            since=since,
            recent_years=RECENT_YEARS,
            all_years=ALL_YEARS,
            **kwargs,
        )
