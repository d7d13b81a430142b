{{%AUTOESCAPE context="HTML"}}{{!
  users/invite.tpl: GET/POST /orgs/{org}/users/invite.
  View: org {id, name}, action, list_url, expires_days, form {full_name,
  email, email_confirm} (as typed), roles [{id, name, system, selected}]
  (those the actor may grant here), error + has_error (a refused form).
}}{{>HEAD}}
{{#org}}<h1 class="h3 mb-2">Invite a user to {{name}}</h1>{{/org}}
<p class="text-muted">The user receives an e-mail with a one-time link to set a password; it works for {{expires_days}} days. If the address already has an account, it is reactivated, upgraded or given access here instead: never a second account.</p>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}<section class="card shadow-sm"><div class="card-body">
<form method="post" action="{{action}}" novalidate id="invite-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
{{#form}}<div class="mb-3">
<label for="i-name" class="form-label">Full name</label>
<input type="text" class="form-control" id="i-name" name="full_name" value="{{full_name}}" required maxlength="200" autocomplete="off">
</div>
<div class="row g-3 mb-3">
<div class="col-md-6"><label for="i-email" class="form-label">E-mail address</label>
<input type="email" class="form-control" id="i-email" name="email" value="{{email}}" required maxlength="254" autocomplete="off"></div>
<div class="col-md-6"><label for="i-email2" class="form-label">Confirm e-mail address</label>
<input type="email" class="form-control" id="i-email2" name="email_confirm" value="{{email_confirm}}" required maxlength="254" autocomplete="off"></div>
</div>
{{/form}}<div class="mb-3">
<label for="i-role" class="form-label">Role</label>
<select class="form-select" id="i-role" name="role" required aria-describedby="i-role-help">
<option value="">Choose a role</option>
{{#roles}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}{{#system}} (system){{/system}}</option>
{{/roles}}</select>
<div id="i-role-help" class="form-text">Only the roles you may grant in this organisation are listed: nobody grants more than they hold.</div>
</div>
<button type="submit" class="btn btn-primary">Send Invitation</button>
<a class="btn btn-outline-secondary" href="{{list_url}}">Cancel</a>
</form>
</div></section>
{{>FOOT}}
