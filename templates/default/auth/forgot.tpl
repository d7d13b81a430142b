{{%AUTOESCAPE context="HTML"}}{{!
  auth/forgot.tpl: ask for a password reset e-mail.
  View: email (the address typed), error {message}.
}}{{>HEAD}}
<div class="row justify-content-center">
<div class="col-sm-10 col-md-7 col-lg-5">
<h1 class="h3 mb-3">Reset your password</h1>
<p>Enter the e-mail address of your account. We will send it a link to choose a new password; the link works once, within one hour.</p>
{{#error}}<div class="alert alert-danger" role="alert">{{message}}</div>
{{/error}}<form method="post" action="/password/forgot" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="mb-3">
<label for="forgot-email" class="form-label">E-mail address</label>
<input type="email" class="form-control" id="forgot-email" name="email" value="{{email}}" autocomplete="email" required autofocus maxlength="254">
</div>
<button type="submit" class="btn btn-primary w-100">Send the reset link</button>
</form>
<p class="mt-3"><a href="/login">Back to sign-in</a></p>
</div>
</div>
{{>FOOT}}
