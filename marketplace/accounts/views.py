from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class AccountOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["addresses"] = self.request.user.addresses.all()
        return context
