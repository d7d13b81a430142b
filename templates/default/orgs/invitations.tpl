{{%AUTOESCAPE context="HTML"}}{{!
  orgs/invitations.tpl: GET/POST /orgs/{org}/invitations: a partner invites
  a customer to create its organisation.
  View: org {id, name, href}, action, expires_days, form {org_name,
  full_name, email}, invitations [{id, org_name, full_name, email, created,
  expires, invited_by, state, pending, revoke_url}], error / has_error.
}}{{>HEAD}}
{{#org}}<p class="mb-1"><a href="{{href}}">&larr; {{name}}</a></p>
<h1 class="h3 mb-2">Invite a customer to {{name}}</h1>
{{/org}}<p class="text-muted">The customer's administrator receives an e-mail with a link that works once, within {{expires_days}} days. Following it, they choose a password and their organisation is created under yours, with them as its administrator.</p>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}<section class="card shadow-sm mb-4" aria-labelledby="invite-title"><div class="card-body">
<h2 id="invite-title" class="h5 card-title">New invitation</h2>
{{#form}}<form method="post" action="{{action}}" novalidate id="invite-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="row g-3 mb-3">
<div class="col-md-6"><label for="inv-company" class="form-label">Company name</label>
<input type="text" class="form-control" id="inv-company" name="org_name" value="{{org_name}}" required maxlength="200"></div>
<div class="col-md-6"><label for="inv-name" class="form-label">Administrator's full name</label>
<input type="text" class="form-control" id="inv-name" name="full_name" value="{{full_name}}" required maxlength="200" autocomplete="off"></div>
<div class="col-md-6"><label for="inv-email" class="form-label">Administrator's e-mail</label>
<input type="email" class="form-control" id="inv-email" name="email" value="{{email}}" required maxlength="254" autocomplete="off"></div>
<div class="col-md-6"><label for="inv-email2" class="form-label">E-mail again</label>
<input type="email" class="form-control" id="inv-email2" name="email_confirm" required maxlength="254" autocomplete="off"></div>
</div>
<button type="submit" class="btn btn-primary">Send invitation</button>
</form>
{{/form}}</div></section>
<section aria-labelledby="list-title">
<h2 id="list-title" class="h5">Invitations</h2>
{{#invitations_empty}}<p class="text-muted">No invitations yet.</p>
{{/invitations_empty}}<div class="table-responsive">
<table class="table table-sm align-middle" id="invitations-table">
<thead><tr><th scope="col">Company</th><th scope="col">Administrator</th><th scope="col">Sent</th><th scope="col">Expires</th><th scope="col">By</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
{{#invitations}}<tr>
<td>{{org_name}}</td>
<td>{{full_name}}<div class="small text-muted">{{email}}</div></td>
<td class="small">{{created}}</td>
<td class="small">{{expires}}</td>
<td class="small">{{invited_by}}</td>
<td>{{state}}</td>
<td>{{#pending}}<form method="post" action="{{revoke_url}}">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-sm btn-outline-danger">Revoke<span class="visually-hidden"> the invitation of {{org_name}}</span></button>
</form>{{/pending}}</td>
</tr>
{{/invitations}}</tbody>
</table>
</div>
<p class="small text-muted">Times are UTC.</p>
</section>
{{>FOOT}}
