{{%AUTOESCAPE context="HTML"}}{{!
  auth/set_password.tpl: the page of a set-password or invitation link.
  View: link_ok, link_problem {message}, token, email, full_name, invitation /
  not_invitation (booleans), organisation {name}, role {name} (when the link names an
  organisation),
  needs_password / has_password (an invitation for an account that already
  has a password is accepted without a new one), error {message}.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-sm-10 col-md-8 col-lg-6">
{{#invitation}}<h1 class="h3 mb-3">Accept your invitation</h1>
{{/invitation}}{{#not_invitation}}<h1 class="h3 mb-3">Set your password</h1>
{{/not_invitation}}{{#link_problem}}<div class="alert alert-warning" role="alert" id="link-problem">{{message}}</div>
<p><a class="btn btn-primary" href="/login">Sign in</a> <a class="btn btn-outline-secondary" href="/password/forgot">Forgot your password?</a></p>
{{/link_problem}}{{#link_ok}}<dl class="row" id="invitation-details">
<dt class="col-sm-4">Name</dt><dd class="col-sm-8">{{full_name}}</dd>
<dt class="col-sm-4">E-mail</dt><dd class="col-sm-8">{{email}}</dd>
{{#organisation}}<dt class="col-sm-4">Organisation</dt><dd class="col-sm-8" id="invitation-org">{{name}}</dd>
{{/organisation}}{{#role}}<dt class="col-sm-4">Role</dt><dd class="col-sm-8" id="invitation-role">{{name}}</dd>
{{/role}}</dl>
{{#error}}<div class="alert alert-danger" role="alert" id="form-error">{{message}}</div>
{{/error}}{{#has_password}}<p>Your account already has a password. Accept the invitation, then sign in as usual.</p>
<form method="post" action="/password/set" class="card card-body shadow-sm">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="hidden" name="token" value="{{token}}">
<button type="submit" class="btn btn-primary w-100">Accept the invitation</button>
</form>
{{/has_password}}{{#needs_password}}<p>Choose the password you will sign in with.</p>
<form method="post" action="/password/set" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="hidden" name="token" value="{{token}}">
<input type="text" class="visually-hidden" name="username" value="{{email}}" autocomplete="username" tabindex="-1" aria-hidden="true" readonly>
<div class="mb-3">
<label for="set-password" class="form-label">Password</label>
<input type="password" class="form-control" id="set-password" name="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="set-password-help">
<div id="set-password-help" class="form-text">At least 8 characters, with an uppercase letter, a lowercase letter, a digit and a special character.</div>
</div>
<div class="mb-3">
<label for="set-confirm" class="form-label">Password again</label>
<input type="password" class="form-control" id="set-confirm" name="password_confirm" autocomplete="new-password" required maxlength="128">
</div>
<button type="submit" class="btn btn-primary w-100">Set my password and sign in</button>
</form>
{{/needs_password}}{{/link_ok}}</div>
</div>
{{>FOOT}}
