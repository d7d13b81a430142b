{{%AUTOESCAPE context="HTML"}}{{!
  users/user.tpl: GET /orgs/{org}/users/{user}, and the POST actions on it
  when they are refused (the page again with the reason).
  View: org {id, name}, user {id, full_name, email, role_name, status_label,
  is_active, is_disabled, is_invited, has_password, last_login_at,
  member_here, is_self, not_self}, roles [{id, name, system, selected}],
  assignments [{org_id, org_name, org_kind, role_name, since, href}],
  elsewhere (the membership lies below this organisation), can_edit,
  can_disable, can_remove, can_reset, can_invite, can_impersonate
  (booleans), edit_url, disable_url, enable_url, reset_url, remove_url,
  invite_resend_url, invite_revoke_url, impersonate_url, list_url,
  error + has_error.
}}{{>HEAD}}
<p><a href="{{list_url}}">&larr; All users{{#org}} of {{name}}{{/org}}</a></p>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#user}}<h1 class="h3 mb-1">{{full_name}}{{#is_self}} <span class="badge text-bg-secondary">You</span>{{/is_self}}</h1>
<p class="text-muted mb-3">{{email}}</p>
<dl class="row" id="user-details">
<dt class="col-sm-3">Role here</dt><dd class="col-sm-9">{{role_name}}{{#elsewhere}}No role in this organisation itself: see the assignments below.{{/elsewhere}}</dd>
<dt class="col-sm-3">Status</dt><dd class="col-sm-9" id="user-status">{{status_label}}</dd>
<dt class="col-sm-3">Last sign-in</dt><dd class="col-sm-9">{{last_login_at}}</dd>
</dl>
{{#can_edit}}<section class="card shadow-sm mb-4" aria-labelledby="edit-title"><div class="card-body">
<h2 id="edit-title" class="h5 card-title">Edit user</h2>
<form method="post" action="{{edit_url}}" novalidate id="edit-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="row g-3 mb-3">
<div class="col-md-6"><label for="e-name" class="form-label">Full name</label>
<input type="text" class="form-control" id="e-name" name="full_name" value="{{full_name}}" required maxlength="200"></div>
<div class="col-md-6"><label for="e-email" class="form-label">E-mail address</label>
<input type="email" class="form-control" id="e-email" name="email" value="{{email}}" required maxlength="254"></div>
</div>
{{#not_self}}<div class="mb-3"><label for="e-role" class="form-label">Role</label>
<select class="form-select" id="e-role" name="role" aria-describedby="e-role-help">
{{#roles}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}{{#system}} (system){{/system}}</option>
{{/roles}}</select>
<div id="e-role-help" class="form-text">A new role takes effect at once: the user is signed out and signs in again with it.</div></div>
{{/not_self}}{{#is_self}}<p class="form-text">You cannot change your own role: another administrator can.</p>
{{/is_self}}<button type="submit" class="btn btn-primary">Save Changes</button>
</form>
</div></section>
{{/can_edit}}<section class="mb-4" aria-labelledby="actions-title">
<h2 id="actions-title" class="h5">Actions</h2>
<div class="d-flex flex-wrap gap-2">
{{#can_reset}}{{#is_active}}<form method="post" action="{{reset_url}}" id="reset-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-outline-primary">Send Reset Email<span class="visually-hidden"> to {{email}}</span></button>
</form>{{/is_active}}{{/can_reset}}
{{#can_invite}}{{#is_invited}}<form method="post" action="{{invite_resend_url}}" id="resend-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-outline-primary">Resend Invitation</button>
</form>
<form method="post" action="{{invite_revoke_url}}" id="revoke-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-outline-danger">Revoke Invitation</button>
</form>{{/is_invited}}{{/can_invite}}
{{#can_disable}}{{#is_disabled}}<form method="post" action="{{enable_url}}" id="enable-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-outline-success">Enable User</button>
</form>{{/is_disabled}}{{#is_active}}<form method="post" action="{{disable_url}}" id="disable-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-outline-warning">Disable User</button>
</form>{{/is_active}}{{/can_disable}}
{{#can_impersonate}}{{#is_active}}<a class="btn btn-outline-dark" href="{{impersonate_url}}" id="impersonate-link">Open as this user</a>{{/is_active}}{{/can_impersonate}}
{{#can_remove}}<form method="post" action="{{remove_url}}" id="remove-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-danger">Remove User</button>
</form>{{/can_remove}}
</div>
<p class="small text-muted mt-2">Sending a reset e-mails {{email}} a link that works once, within one hour. Disabling signs the user out on their next action and refuses sign-in until enabled. Removing strips every permission in this organisation and the ones below it, and deactivates the account when it has no other.</p>
</section>
{{/user}}<section aria-labelledby="assign-title">
<h2 id="assign-title" class="h5">Assignments</h2>
<p class="text-muted small">Every organisation and role this user holds that you can see.</p>
{{#assignments_empty}}<p class="text-muted">None.</p>
{{/assignments_empty}}<table class="table table-sm" id="assignments-table">
<thead><tr><th scope="col">Organisation</th><th scope="col">Kind</th><th scope="col">Role</th><th scope="col">Since</th></tr></thead>
<tbody>
{{#assignments}}<tr><td><a href="{{href}}">{{org_name}}</a></td><td>{{org_kind}}</td><td>{{role_name}}</td><td class="small">{{since}}</td></tr>
{{/assignments}}</tbody>
</table>
</section>
{{>FOOT}}
