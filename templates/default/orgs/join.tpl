{{%AUTOESCAPE context="HTML"}}{{!
  orgs/join.tpl: GET/POST /join?token=…: the page of a customer invitation.
  View: link_ok (boolean), link_problem {message}, invitation {org_name,
  partner_name, email, full_name}, token, needs_password / has_password,
  error / has_error.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-sm-10 col-md-8 col-lg-6">
<h1 class="h3 mb-3">Create your organisation</h1>
{{#link_problem}}<div class="alert alert-warning" role="alert" id="link-problem">{{message}}</div>
<p><a class="btn btn-primary" href="/login">Sign in</a></p>
{{/link_problem}}{{#link_ok}}{{#invitation}}<p><strong>{{partner_name}}</strong> invites you to manage your company's organisation.</p>
<dl class="row" id="invitation-details">
<dt class="col-sm-4">Company</dt><dd class="col-sm-8" id="invitation-company">{{org_name}}</dd>
<dt class="col-sm-4">Name</dt><dd class="col-sm-8">{{full_name}}</dd>
<dt class="col-sm-4">E-mail</dt><dd class="col-sm-8" id="invitation-email">{{email}}</dd>
</dl>
{{/invitation}}{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#has_password}}<p>Your account already has a password. Create the organisation, then sign in as usual.</p>
<form method="post" action="/join" class="card card-body shadow-sm">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="hidden" name="token" value="{{token}}">
<button type="submit" class="btn btn-primary w-100">Create the organisation</button>
</form>
{{/has_password}}{{#needs_password}}<p>Choose the password you will sign in with.</p>
<form method="post" action="/join" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="hidden" name="token" value="{{token}}">
{{#invitation}}<input type="text" class="visually-hidden" name="username" value="{{email}}" autocomplete="username" tabindex="-1" aria-hidden="true" readonly>
{{/invitation}}<div class="mb-3">
<label for="join-password" class="form-label">Password</label>
<input type="password" class="form-control" id="join-password" name="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="join-password-help">
<div id="join-password-help" class="form-text">At least 8 characters, with an uppercase letter, a lowercase letter, a digit and a special character.</div>
</div>
<div class="mb-3">
<label for="join-confirm" class="form-label">Password again</label>
<input type="password" class="form-control" id="join-confirm" name="password_confirm" autocomplete="new-password" required maxlength="128">
</div>
<button type="submit" class="btn btn-primary w-100">Create my organisation and sign in</button>
</form>
{{/needs_password}}{{/link_ok}}</div>
</div>
{{>FOOT}}
