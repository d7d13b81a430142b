{{%AUTOESCAPE context="HTML"}}{{!
  auth/login.tpl: sign-in, step one (e-mail and password).
  View: next (local path to go to afterwards), email (the address typed),
  error {message} (why the last attempt was refused), locked (boolean), signed_in.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-sm-10 col-md-7 col-lg-5">
<h1 class="h3 mb-3">Sign in</h1>
{{#error}}<div class="alert alert-danger" role="alert" id="login-error">{{message}}</div>
{{/error}}<form method="post" action="/login" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="hidden" name="next" value="{{next}}">
<div class="mb-3">
<label for="login-email" class="form-label">E-mail address</label>
<input type="email" class="form-control" id="login-email" name="email" value="{{email}}" autocomplete="username" required autofocus maxlength="254">
</div>
<div class="mb-3">
<label for="login-password" class="form-label">Password</label>
<input type="password" class="form-control" id="login-password" name="password" autocomplete="current-password" required maxlength="1024">
</div>
<button type="submit" class="btn btn-primary w-100">Sign in</button>
</form>
<p class="mt-3"><a href="/password/forgot">Forgot your password?</a></p>
</div>
</div>
{{>FOOT}}
