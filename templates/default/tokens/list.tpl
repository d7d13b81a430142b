{{%AUTOESCAPE context="HTML"}}{{!
  tokens/list.tpl: personal access tokens (/profile/tokens) or an
  organisation's service-account tokens (/orgs/{org}/tokens).
  View: personal / service (booleans), org {id, name} (service), action (the
  page's path), tokens [{id, name, scopes_text, created, expires,
  last_used_at, state, active}], permissions [{key, category, label, field}]
  (what a new token may carry), created {id, name, token, expires_days}
  (once, right after creation), error {message}.
}}{{>HEAD}}
{{#personal}}<h1 class="h3 mb-2">API tokens</h1>
<p class="text-muted">A personal access token lets a script use the API as you, limited to the permissions you give it. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
{{/personal}}{{#service}}{{#org}}<h1 class="h3 mb-2">Service-account tokens of {{name}}</h1>
{{/org}}<p class="text-muted">A service-account token belongs to the organisation, not to a person: provisioning systems use it to push resources. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
{{/service}}{{#created}}<div class="alert alert-success" role="status" id="token-created">
<p class="mb-2">Your new token <strong>{{name}}</strong> is below. Copy it now: it is shown only once and cannot be recovered.</p>
<label for="new-token" class="form-label">Token</label>
<input type="text" class="form-control font-monospace" id="new-token" value="{{token}}" readonly>
</div>
{{/created}}{{#error}}<div class="alert alert-danger" role="alert" id="form-error">{{message}}</div>
{{/error}}<section class="card shadow-sm mb-4" aria-labelledby="new-title"><div class="card-body">
<h2 id="new-title" class="h5 card-title">New token</h2>
<form method="post" action="{{action}}" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="row g-3 mb-3">
<div class="col-md-6">
<label for="token-name" class="form-label">Name</label>
<input type="text" class="form-control" id="token-name" name="name" required maxlength="100" aria-describedby="token-name-help">
<div id="token-name-help" class="form-text">What the token is for, such as "Billing export".</div>
</div>
<div class="col-md-6">
<label for="token-expiry" class="form-label">Expires after</label>
<select class="form-select" id="token-expiry" name="expires_days">
<option value="7">7 days</option>
<option value="30" selected>30 days</option>
<option value="90">90 days</option>
<option value="365">1 year</option>
{{#service}}<option value="0">Never</option>
{{/service}}</select>
</div>
</div>
<fieldset class="mb-3">
<legend class="form-label fs-6">Permissions</legend>
{{#permissions_empty}}<p class="text-muted">You hold no permissions that a token could carry.</p>
{{/permissions_empty}}<div class="row row-cols-1 row-cols-md-2 g-1">
{{#permissions}}<div class="col"><div class="form-check">
<input class="form-check-input" type="checkbox" id="{{field}}" name="{{field}}" value="1">
<label class="form-check-label" for="{{field}}">{{label}} <span class="text-muted small">({{category}}: <code>{{key}}</code>)</span></label>
</div></div>
{{/permissions}}</div>
</fieldset>
<button type="submit" class="btn btn-primary">Create token</button>
</form>
</div></section>
<section aria-labelledby="list-title">
<h2 id="list-title" class="h5">Tokens</h2>
{{#tokens_empty}}<p class="text-muted">No tokens yet.</p>
{{/tokens_empty}}<div class="table-responsive">
<table class="table table-sm align-middle" id="tokens-table">
<thead><tr><th scope="col">Name</th><th scope="col">Permissions</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
{{#tokens}}<tr>
<td>{{name}}</td>
<td class="small">{{scopes_text}}</td>
<td class="small">{{created}}</td>
<td class="small">{{last_used_at}}</td>
<td class="small">{{expires}}</td>
<td>{{state}}</td>
<td>{{#active}}<form method="post" action="{{action}}/{{id}}/revoke">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-sm btn-outline-danger">Revoke<span class="visually-hidden"> {{name}}</span></button>
</form>{{/active}}</td>
</tr>
{{/tokens}}</tbody>
</table>
</div>
<p class="small text-muted">Times are UTC. An empty "Last used" means never; an empty "Expires" means never.</p>
</section>
{{>FOOT}}
