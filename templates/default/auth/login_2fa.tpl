{{%AUTOESCAPE context="HTML"}}{{!
  auth/login_2fa.tpl: sign-in, step two (a code from the authenticator app
  or a recovery code).  The second-step ticket travels in the pt_mfa cookie.
  View: next, error {message}, locked.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-sm-10 col-md-7 col-lg-5">
<h1 class="h3 mb-3">Two-factor authentication</h1>
<p>Open your authenticator app and enter the 6-digit code it shows for this account. If you do not have your phone, enter one of your recovery codes instead.</p>
{{#error}}<div class="alert alert-danger" role="alert" id="mfa-error">{{message}}</div>
{{/error}}<form method="post" action="/login/2fa" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<input type="hidden" name="next" value="{{next}}">
<div class="mb-3">
<label for="mfa-code" class="form-label">Code or recovery code</label>
<input type="text" class="form-control" id="mfa-code" name="code" inputmode="text" autocomplete="one-time-code" required autofocus maxlength="64" aria-describedby="mfa-code-help">
<div id="mfa-code-help" class="form-text">A code looks like 123456; a recovery code looks like abcde-12345.</div>
</div>
<button type="submit" class="btn btn-primary w-100">Verify</button>
</form>
<p class="mt-3"><a href="/login">Start again</a></p>
</div>
</div>
{{>FOOT}}
