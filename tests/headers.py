"""Every request header the site reads, by its WSGI name: what hostile-header tests send."""

HEADERS_THE_SITE_READS = [
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REQUEST_ID",
    "HTTP_HOST",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_ACCEPT",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_ORIGIN",
    "HTTP_COOKIE",
    "HTTP_TRANSFER_ENCODING",
    "CONTENT_TYPE",
    "REMOTE_ADDR",
]
