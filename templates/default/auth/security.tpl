{{%AUTOESCAPE context="HTML"}}{{!
  auth/security.tpl: the signed-in user's password, two-factor status and
  sessions.
  View: email, error {message}, sessions (number of live sessions),
  two_factor {enabled, disabled, required, optional (booleans), enabled_at,
  recovery_codes_left}.
}}{{>HEAD}}
<h1 class="h3 mb-4">Password and two-factor authentication</h1>
<div class="row g-4">
<section class="col-lg-6" aria-labelledby="pw-title">
<div class="card shadow-sm"><div class="card-body">
<h2 id="pw-title" class="h5 card-title">Change your password</h2>
<p class="text-muted">Changing it signs out every other session of your account.</p>
{{#error}}<div class="alert alert-danger" role="alert" id="form-error">{{message}}</div>
{{/error}}<form method="post" action="/profile/security" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="text" class="visually-hidden" name="username" value="{{email}}" autocomplete="username" tabindex="-1" aria-hidden="true" readonly>
<div class="mb-3">
<label for="sec-current" class="form-label">Current password</label>
<input type="password" class="form-control" id="sec-current" name="current_password" autocomplete="current-password" required maxlength="1024">
</div>
<div class="mb-3">
<label for="sec-new" class="form-label">New password</label>
<input type="password" class="form-control" id="sec-new" name="new_password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="sec-new-help">
<div id="sec-new-help" class="form-text">At least 8 characters, with an uppercase letter, a lowercase letter, a digit and a special character.</div>
</div>
<div class="mb-3">
<label for="sec-confirm" class="form-label">New password again</label>
<input type="password" class="form-control" id="sec-confirm" name="new_password_confirm" autocomplete="new-password" required maxlength="128">
</div>
<button type="submit" class="btn btn-primary">Change password</button>
</form>
</div></div>
</section>
<section class="col-lg-6" aria-labelledby="tf-title">
<div class="card shadow-sm mb-4"><div class="card-body">
<h2 id="tf-title" class="h5 card-title">Two-factor authentication</h2>
{{#two_factor}}{{#enabled}}<p id="twofactor-status"><span class="badge text-bg-success">On</span> since {{enabled_at}} UTC. Recovery codes left: <strong>{{recovery_codes_left}}</strong>.</p>
<p><a class="btn btn-outline-primary" href="/profile/security/2fa">Manage two-factor authentication</a></p>
{{/enabled}}{{#disabled}}<p id="twofactor-status"><span class="badge text-bg-warning">Off</span> Anyone who learns your password can sign in as you.</p>
{{#required}}<div class="alert alert-warning" role="status">Your organisation requires two-factor authentication.</div>
{{/required}}<p><a class="btn btn-primary" href="/profile/security/2fa">Set up two-factor authentication</a></p>
{{/disabled}}{{/two_factor}}</div></div>
<div class="card shadow-sm mb-4"><div class="card-body">
<h2 class="h5 card-title">Sessions</h2>
<p>You are signed in on <strong>{{sessions}}</strong> browser session(s), this one included.</p>
<form method="post" action="/logout/all">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-outline-danger">Sign out everywhere</button>
</form>
</div></div>
<div class="card shadow-sm"><div class="card-body">
<h2 class="h5 card-title">API tokens</h2>
<p>Personal access tokens let scripts use the API as you, with the permissions you choose.</p>
<p><a class="btn btn-outline-primary" href="/profile/tokens">Manage API tokens</a></p>
</div></div>
</section>
</div>
{{>FOOT}}
