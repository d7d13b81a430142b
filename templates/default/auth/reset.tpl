{{%AUTOESCAPE context="HTML"}}{{!
  auth/reset.tpl: choose a new password from a reset link.
  View: link_ok (boolean), link_problem {message} (why the link cannot be
  used), token, email, error {message}.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-sm-10 col-md-8 col-lg-6">
<h1 class="h3 mb-3">Choose a new password</h1>
{{#link_problem}}<div class="alert alert-warning" role="alert" id="link-problem">{{message}}</div>
<p><a class="btn btn-primary" href="/password/forgot">Request a new link</a> <a class="btn btn-outline-secondary" href="/login">Sign in</a></p>
{{/link_problem}}{{#link_ok}}<p>Choose a new password for <strong>{{email}}</strong>. Every session of your account will be signed out.</p>
{{#error}}<div class="alert alert-danger" role="alert" id="form-error">{{message}}</div>
{{/error}}<form method="post" action="/password/reset" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="hidden" name="token" value="{{token}}">
<input type="text" class="visually-hidden" name="username" value="{{email}}" autocomplete="username" tabindex="-1" aria-hidden="true" readonly>
<div class="mb-3">
<label for="reset-password" class="form-label">New password</label>
<input type="password" class="form-control" id="reset-password" name="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="reset-password-help">
<div id="reset-password-help" class="form-text">At least 8 characters, with an uppercase letter, a lowercase letter, a digit and a special character.</div>
</div>
<div class="mb-3">
<label for="reset-confirm" class="form-label">New password again</label>
<input type="password" class="form-control" id="reset-confirm" name="password_confirm" autocomplete="new-password" required maxlength="128">
</div>
<button type="submit" class="btn btn-primary w-100">Change my password</button>
</form>
{{/link_ok}}</div>
</div>
{{>FOOT}}
