{{%AUTOESCAPE context="HTML"}}{{!
  auth/recovery_codes.tpl: new recovery codes, shown once.
  View: show_codes (boolean), recovery_codes [strings], error {message}.
}}{{>HEAD}}
<h1 class="h3 mb-4">Recovery codes</h1>
{{#error}}<div class="alert alert-danger" role="alert" id="form-error">{{message}}</div>
<p><a class="btn btn-primary" href="/profile/security/2fa">Back to two-factor authentication</a></p>
{{/error}}{{#show_codes}}<section class="card border-success shadow-sm" aria-labelledby="codes-title"><div class="card-body">
<h2 id="codes-title" class="h5 card-title">Your new recovery codes</h2>
<p>Keep these codes somewhere safe. Each one signs you in once if you lose your phone; the old codes no longer work. <strong>They are shown only now.</strong></p>
<ul class="list-unstyled row row-cols-2 font-monospace fs-5" id="recovery-codes">
{{#recovery_codes}}<li class="col"><code>{{value}}</code></li>
{{/recovery_codes}}</ul>
<p><a class="btn btn-primary" href="/profile/security">I have saved my codes</a></p>
</div></section>
{{/show_codes}}{{>FOOT}}
