{{%AUTOESCAPE context="HTML"}}{{!
  hosts/split-signin/auth/login.tpl: an example host template set — the
  sign-in page as a two-column welcome, for a partner whose brand names
  this set.  Only this file is overridden: every other page comes from
  templates/default/.  Same view as default/auth/login.tpl.
}}{{>HEAD}}
<div class="row g-0 pt-signin-split shadow-sm rounded overflow-hidden">
<div class="col-md-6 p-5 pt-signin-welcome text-bg-primary">
<h1 class="h2">Welcome to {{brand_name}}</h1>
<p class="lead mb-0">Sign in to manage your services, users and support requests.</p>
</div>
<div class="col-md-6 p-5 bg-body">
{{#error}}<div class="alert alert-danger" role="alert" id="login-error">{{message}}</div>
{{/error}}<form method="post" action="/login" novalidate>
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
<p class="mt-3 mb-0"><a href="/password/forgot">Forgot your password?</a></p>
</div>
</div>
{{>FOOT}}
