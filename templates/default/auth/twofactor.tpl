{{%AUTOESCAPE context="HTML"}}{{!
  auth/twofactor.tpl: set up, or manage, two-factor authentication.
  View: two_factor {enabled, disabled, required, optional, enabled_at,
  recovery_codes_left}; while setting up: enrol (boolean), qr_svg_base64
  (the QR code's SVG, base64: shown as a data: image, which the CSP allows),
  secret_grouped (base32 for manual entry), otpauth_uri, issuer, account;
  after enabling: show_codes (boolean) and recovery_codes [strings];
  error {message}.
}}{{>HEAD}}
<h1 class="h3 mb-4">Two-factor authentication</h1>
{{#error}}<div class="alert alert-danger" role="alert" id="form-error">{{message}}</div>
{{/error}}{{#show_codes}}<section class="card border-success shadow-sm mb-4" aria-labelledby="codes-title"><div class="card-body">
<h2 id="codes-title" class="h5 card-title">Your recovery codes</h2>
<p>Keep these codes somewhere safe, such as a password manager. Each one signs you in once if you lose your phone. <strong>They are shown only now.</strong></p>
<ul class="list-unstyled row row-cols-2 font-monospace fs-5" id="recovery-codes">
{{#recovery_codes}}<li class="col"><code>{{value}}</code></li>
{{/recovery_codes}}</ul>
<p><a class="btn btn-primary" href="/profile/security">I have saved my codes</a></p>
</div></section>
{{/show_codes}}{{#enrol}}<div class="row g-4">
<section class="col-md-6" aria-labelledby="step1">
<h2 id="step1" class="h5">1. Add your account to an authenticator app</h2>
<p>Scan this QR code with an app such as FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator.</p>
<p><img src="data:image/svg+xml;base64,{{qr_svg_base64}}" width="220" height="220" alt="QR code for {{issuer}}: {{account}}" class="border rounded bg-white p-2" id="totp-qr"></p>
<p>Cannot scan it? Enter this secret key in the app instead (time-based, 6 digits, every 30 seconds):</p>
<p><code class="fs-5" id="totp-secret">{{secret_grouped}}</code></p>
<details><summary>Set-up address for other apps</summary>
<p class="small text-break"><code id="totp-uri">{{otpauth_uri}}</code></p>
</details>
</section>
<section class="col-md-6" aria-labelledby="step2">
<h2 id="step2" class="h5">2. Enter the code the app shows</h2>
<form method="post" action="/profile/security/2fa" class="card card-body shadow-sm" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="mb-3">
<label for="enrol-code" class="form-label">6-digit code</label>
<input type="text" class="form-control" id="enrol-code" name="code" inputmode="numeric" pattern="[0-9 ]*" autocomplete="one-time-code" required maxlength="7">
</div>
<button type="submit" class="btn btn-primary w-100">Turn on two-factor authentication</button>
</form>
</section>
</div>
{{/enrol}}{{#two_factor}}{{#enabled}}<section class="card shadow-sm mb-4" aria-labelledby="status-title"><div class="card-body">
<h2 id="status-title" class="h5 card-title">Status</h2>
<p id="twofactor-status"><span class="badge text-bg-success">On</span> since {{enabled_at}} UTC. Recovery codes left: <strong>{{recovery_codes_left}}</strong>.</p>
</div></section>
<div class="row g-4">
<section class="col-md-6" aria-labelledby="regen-title">
<div class="card shadow-sm h-100"><div class="card-body">
<h2 id="regen-title" class="h5 card-title">New recovery codes</h2>
<p>Makes ten new codes; the old ones stop working.</p>
<form method="post" action="/profile/security/recovery-codes" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="mb-3">
<label for="regen-password" class="form-label">Your password</label>
<input type="password" class="form-control" id="regen-password" name="password" autocomplete="current-password" required maxlength="1024">
</div>
<button type="submit" class="btn btn-outline-primary">Make new recovery codes</button>
</form>
</div></div>
</section>
<section class="col-md-6" aria-labelledby="off-title">
<div class="card shadow-sm h-100"><div class="card-body">
<h2 id="off-title" class="h5 card-title">Turn off two-factor authentication</h2>
{{#required}}<p class="text-muted">Your organisation requires two-factor authentication, so it cannot be turned off.</p>
{{/required}}{{#optional}}<form method="post" action="/profile/security/2fa/disable" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="mb-3">
<label for="off-password" class="form-label">Your password</label>
<input type="password" class="form-control" id="off-password" name="password" autocomplete="current-password" required maxlength="1024">
</div>
<div class="mb-3">
<label for="off-code" class="form-label">A code from your app, or a recovery code</label>
<input type="text" class="form-control" id="off-code" name="code" autocomplete="one-time-code" required maxlength="64">
</div>
<button type="submit" class="btn btn-outline-danger">Turn off</button>
</form>
{{/optional}}</div></div>
</section>
</div>
{{/enabled}}{{/two_factor}}<p class="mt-4"><a href="/profile/security">Back to password and two-factor</a></p>
{{>FOOT}}
