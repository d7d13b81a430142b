{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Access to {{org_name}} - {{brand_name}}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
<p>Hello {{full_name}},</p>
<p>{{inviter_name}} has given you access to <strong>{{org_name}}</strong> on <strong>{{brand_name}}</strong> as <strong>{{role_name}}</strong>.</p>
{{#set_password}}<p>Choose your password with the button below. The link works once, within {{expires_days}} days.</p>
<p><a href="{{link}}" style="display: inline-block; padding: 10px 18px; background: #0d6efd; color: #ffffff; text-decoration: none; border-radius: 4px;">Accept the invitation</a></p>
<p style="font-size: 90%; color: #52606d;">Or copy this address into your browser:<br>{{link}}</p>
<p style="font-size: 90%; color: #52606d;">If you did not expect this invitation, you can ignore this message: nothing happens until the link is used.</p>
{{/set_password}}{{#existing}}<p>Sign in with your existing password: <a href="{{login_url}}">{{login_url}}</a></p>
<p style="font-size: 90%; color: #52606d;">If you did not expect this, tell your administrator.</p>
{{/existing}}<p>{{brand_name}}</p>
</body>
</html>
