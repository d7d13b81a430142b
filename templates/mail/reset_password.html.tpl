{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Reset Your Password - {{brand_name}}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
<p>Hello {{full_name}},</p>
<p>Someone (we hope you) asked to reset the password of your <strong>{{brand_name}}</strong> account.</p>
<p>Choose a new password with the button below. The link works once, within {{expires_minutes}} minutes, and signs your account out everywhere.</p>
<p><a href="{{link}}" style="display: inline-block; padding: 10px 18px; background: #0d6efd; color: #ffffff; text-decoration: none; border-radius: 4px;">Reset your password</a></p>
<p style="font-size: 90%; color: #52606d;">Or copy this address into your browser:<br>{{link}}</p>
<p style="font-size: 90%; color: #52606d;">If you did not ask for this, you can ignore this message: your password stays as it is.</p>
<p>{{brand_name}}</p>
</body>
</html>
