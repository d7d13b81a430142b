{{%AUTOESCAPE context="HTML"}}{{!
  whitelabel/domains.tpl: GET /orgs/{org}/domains, POST (add), and the
  verify / remove actions when they come back with an error.
  View: org {id, name, href}, ineligible, error / has_error, active,
  branding_url, add {action, hostname, cname_target} (white label on),
  domains [{id, hostname, kind_label, custom, verified, state, state_label,
  verified_at, created, tls_state, tls_label, tls_error, tls_expires, url,
  records {cname_name, cname_target, txt_name, txt_value} (unverified),
  last_check {status, description, at}, verify_url, remove_url}],
  domains_empty.
}}{{>HEAD}}
{{#org}}<p class="mb-1"><a href="{{href}}">&larr; {{name}}</a></p>
<h1 class="h3 mb-3">Domains &middot; {{name}}</h1>
{{/org}}{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#ineligible}}<div class="alert alert-info" role="status" id="wl-ineligible">White label is available to partner and distributor organisations only.</div>
{{/ineligible}}<p><a href="{{branding_url}}">White label settings and brand</a></p>
{{#add}}<section class="card shadow-sm mb-4" aria-labelledby="add-title"><div class="card-body">
<h2 id="add-title" class="h5 card-title">Add your own domain</h2>
<p>Point a name you own at the portal, e.g. <code>portal.example.com</code>. The portal shows the two DNS records to create; once the TXT record is visible, the domain is verified and gets its certificate automatically.</p>
<form method="post" action="{{action}}" novalidate id="add-form" class="row g-2 align-items-end">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="col-md-8"><label for="wl-hostname" class="form-label">Domain</label>
<input type="text" class="form-control" id="wl-hostname" name="hostname" value="{{hostname}}" required maxlength="253" autocomplete="off" placeholder="portal.example.com"></div>
<div class="col-md-4"><button type="submit" class="btn btn-primary">Add domain</button></div>
</form>
</div></section>
{{/add}}<section aria-labelledby="list-title">
<h2 id="list-title" class="h5">Your portal's addresses</h2>
{{#domains_empty}}<p class="text-muted" id="domains-empty">No addresses yet: turn white label on to get your subdomain.</p>
{{/domains_empty}}{{#domains}}<article class="card shadow-sm mb-3" id="domain-{{id}}" data-state="{{state}}"><div class="card-body">
<div class="d-flex flex-wrap align-items-center gap-2 mb-2">
<h3 class="h6 mb-0 me-auto"><span class="pt-domain-name">{{hostname}}</span> <span class="badge text-bg-light">{{kind_label}}</span></h3>
<span class="badge {{#verified}}text-bg-success{{/verified}}{{#records}}text-bg-warning{{/records}}" data-role="state">{{state_label}}</span>
<span class="badge text-bg-secondary" data-role="tls">{{tls_label}}</span>
</div>
<p class="small text-muted mb-2">Added {{created}} UTC{{#verified}} &middot; verified {{verified_at}} UTC{{/verified}} &middot; certificate: {{tls_label}} {{tls_expires}}</p>
<p class="small text-danger mb-2" data-role="tls-error">{{tls_error}}</p>
{{#records}}<p class="mb-1">Create these records at your DNS provider:</p>
<div class="table-responsive"><table class="table table-sm align-middle mb-2">
<thead><tr><th scope="col">Type</th><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody>
<tr><td>CNAME</td><td><code>{{cname_name}}</code></td><td><code>{{cname_target}}</code></td></tr>
<tr><td>TXT</td><td><code>{{txt_name}}</code></td><td><code class="pt-txt-token">{{txt_value}}</code></td></tr>
</tbody></table></div>
{{/records}}{{#last_check}}<p class="small mb-2" data-role="last-check">Last check {{at}} UTC: {{status}} &mdash; {{description}}</p>
{{/last_check}}<div class="d-flex flex-wrap gap-2">
{{#records}}<form method="post" action="{{verify_url}}"><input type="hidden" name="csrf_token" value="{{csrf_token}}"><button type="submit" class="btn btn-sm btn-outline-primary">Check now<span class="visually-hidden"> {{hostname}}</span></button></form>
{{/records}}{{#custom}}<form method="post" action="{{remove_url}}"><input type="hidden" name="csrf_token" value="{{csrf_token}}"><button type="submit" class="btn btn-sm btn-outline-danger">Remove<span class="visually-hidden"> {{hostname}}</span></button></form>
{{/custom}}</div>
</div></article>
{{/domains}}<p class="small text-muted">Times are UTC. The subdomain goes with the white-label subscription; removing a custom domain removes its server block and certificate.</p>
</section>
{{>FOOT}}
