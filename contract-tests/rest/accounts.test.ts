import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

const otpRequest = {
  email: 'new.trader@mail.test',
  type: 'trader' as const,
  name: 'New Trader',
  otp_type: 'email' as const,
  password: 'S3cret-pass',
  repeat_password: 'S3cret-pass',
  form_id: 'Rf7Tg2Lp',
};
describeOperation('sendRegistrationOtp', {
  call: (client, init) => client.POST('/public/v1/account/register/request', { ...init, body: otpRequest }),
  status: 204,
  sent: { method: 'POST', path: '/public/v1/account/register/request', body: otpRequest },
  more(mock) {
    it('refuses an otp_type outside email/phone and a malformed e-mail before the network', async () => {
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/account/register/request', { body: { ...otpRequest, otp_type: 'sms' } as never }),
        /^sendRegistrationOtp: body\.otp_type must be one of: "email", "phone"$/,
      );
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/account/register/request', { body: { ...otpRequest, email: 'not-an-email' } }),
        /^sendRegistrationOtp: body\.email must match format "email"$/,
      );
    });
  },
});

const multiStep = {
  trader_register: 'trader_register' as const,
  register: {
    email: 'new.trader@mail.test',
    type: 'trader' as const,
    email_code: '482913',
    password: 'S3cret-pass',
    repeat_password: 'S3cret-pass',
    form_id: 'Rf7Tg2Lp',
  },
  kyc: { form_id: 'Ky7Fm001', custom_fields: { id_number: 'X7654321' } },
};
describeOperation('submitMultiStepRegistration', {
  call: (client, init) => client.POST('/public/v1/account/register/multistep', { ...init, body: multiStep }),
  status: 204,
  sent: { method: 'POST', path: '/public/v1/account/register/multistep', body: multiStep },
  more(mock) {
    it('refuses a 5-digit code and a missing KYC form id before the network', async () => {
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/account/register/multistep', { body: { ...multiStep, register: { ...multiStep.register, email_code: '48291' } } }),
        /^submitMultiStepRegistration: body\.register\.email_code must NOT have fewer than 6 characters$/,
      );
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/account/register/multistep', { body: { ...multiStep, kyc: {} } as never }),
        /^submitMultiStepRegistration: body\.kyc\.form_id is required$/,
      );
    });
  },
});
