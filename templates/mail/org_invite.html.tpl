{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{partner_name}} invites you to {{brand_name}}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
<p>Hello {{full_name}},</p>
<p>{{inviter}} of <strong>{{partner_name}}</strong> invites you to create the organisation <strong>{{org_name}}</strong> on <strong>{{brand_name}}</strong>, with you as its administrator.</p>
<p>Create it and choose your password with the button below. The link works once, within {{expires_days}} days.</p>
<p><a href="{{link}}" style="display: inline-block; padding: 10px 18px; background: #0d6efd; color: #ffffff; text-decoration: none; border-radius: 4px;">Create your organisation</a></p>
<p style="font-size: 90%; color: #52606d;">Or copy this address into your browser:<br>{{link}}</p>
<p style="font-size: 90%; color: #52606d;">If you did not expect this message, you can ignore it: nothing happens until the link is used.</p>
<p>{{brand_name}}</p>
</body>
</html>
