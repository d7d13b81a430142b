{{%AUTOESCAPE context="HTML"}}{{!
  errors/error.tpl: every error page (400, 403, 404, 405, 413, 500 ...).
  View: status (number), title, detail (may be empty), request_id.
}}{{>HEAD}}
<section class="pt-error" aria-labelledby="pt-error-title">
<p class="pt-error-status">{{status}}</p>
<h1 id="pt-error-title" class="h3">{{title}}</h1>
<p class="lead">{{detail}}</p>
<p>You can start again from the home page. If the problem keeps happening, contact support and quote the request ID below: it lets us find exactly what went wrong.</p>
<p><a class="btn btn-primary" href="/">Go to the home page</a></p>
<p class="pt-muted">Request ID <code>{{request_id}}</code></p>
</section>
{{>FOOT}}
