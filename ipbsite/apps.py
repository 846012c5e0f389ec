from django.apps import AppConfig
from django.core.signals import request_finished, setting_changed


class SiteConfig(AppConfig):
    """The project's own plumbing (ipbsite/http/): its signals and process-wide flags are set
    here, once Django has loaded, never as a side effect of an import."""

    name = "ipbsite"
    verbose_name = "Site"

    def ready(self):
        from ipbsite.http import inline_styles, request_log

        request_log.skip_what_no_line_shows()
        request_finished.connect(
            request_log.forget_request_id, dispatch_uid="ipbsite.forget_request_id"
        )
        setting_changed.connect(inline_styles.forget_policies, dispatch_uid="ipbsite.forget_csp")
