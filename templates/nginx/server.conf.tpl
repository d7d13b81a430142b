{{%AUTOESCAPE context="HTML"}}{{!nginx has no escaping of its own: fcgi/nginx_gen.c validates every value first (host names, paths, listen addresses, upstream; tests/integration/check_nginx_gen.c), and the HTML context is a second net: a quote, angle bracket or ampersand that got through becomes an entity nginx -t refuses, never a directive. Tags sit at line ends: no stray blank lines.
}}# portal-hosts.conf — one server block per verified partner host name.
# Written by `portalctl nginx generate` (or the job worker) from
# templates/nginx/server.conf.tpl, checked with `nginx -t` and swapped in
# atomically: edits here are overwritten.  Included in the http {} block of
# a config that defines `upstream {{upstream}}` and the limit_req zone
# "signin" (nginx/portal.conf.in, nginx/portal-production.conf).
{{#hash_sizes}}
server_names_hash_max_size {{hash_max_size}};
server_names_hash_bucket_size {{hash_bucket_size}};
{{/hash_sizes}}{{#hosts}}
# {{hostname}} (organisation {{org_id}})
{{#servers}}server {
    listen {{listen}}{{#ssl}} ssl http2{{/ssl}};
    server_name {{hostname}};
{{#ssl}}
    ssl_certificate     {{cert}};
    ssl_certificate_key {{key}};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_timeout 1d;
    ssl_session_cache shared:portal_tls:10m;
    ssl_session_tickets off;
{{/ssl}}
    # ACME HTTP-01 challenges, on every block (renewals).
    location ^~ /.well-known/acme-challenge/ {
        root {{webroot}};
        default_type text/plain;
    }
{{#redirect}}
    location / {
        return 301 https://$host$request_uri;
    }
{{/redirect}}{{#portal}}
    include {{snippets}}/portal-limits.conf;

    location ~ ^/(api/v1/)?(login|signin|password) {
        limit_req zone=signin burst=10 nodelay;
        include {{snippets}}/portal-fastcgi.conf;
        fastcgi_pass {{upstream}};
    }

    location ^~ /static/vendor/bootstrap/ {
        alias {{bootstrap_dir}}/;
        include {{snippets}}/portal-security-headers.conf;
        expires 1h;
    }

    location ^~ /static/ {
        alias {{static_dir}}/;
        include {{snippets}}/portal-security-headers.conf;
        expires 1h;
    }

    location / {
        include {{snippets}}/portal-fastcgi.conf;
        fastcgi_pass {{upstream}};
    }
{{/portal}}}
{{/servers}}{{/hosts}}
