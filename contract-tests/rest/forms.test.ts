import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

describeOperation('getTraderRegistrationForm', {
  call: (client, init) => client.GET('/public/v1/form/registration/trader', init),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/form/registration/trader' },
});

describeOperation('listClientKycForms', {
  call: (client, init) => client.GET('/public/v1/form/kyc/collections', { ...init, params: { query: { user_id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/form/kyc/collections', query: 'user_id=3fA9kQ2z' },
});

describeOperation('getClientKycForm', {
  call: (client, init) => client.GET('/public/v1/form/kyc', { ...init, params: { query: { user_id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/form/kyc', query: 'user_id=3fA9kQ2z' },
});

const upload = { id: 'd0c5A1b2', content_type: 'application/pdf' as const, document: 'passport.pdf', form_id: 'Ky7Fm001' };
describeOperation('getS3UploadSignature', {
  call: (client, init) => client.GET('/public/v1/form/s3/signature', { ...init, params: { query: upload } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/form/s3/signature', query: 'id=d0c5A1b2&content_type=application%2Fpdf&document=passport.pdf&form_id=Ky7Fm001' },
  more(mock) {
    it('refuses a content type outside the documented list before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.GET('/public/v1/form/s3/signature', { params: { query: { ...upload, content_type: 'image/gif' as never } } }),
        /^getS3UploadSignature: query\.content_type must be one of: "image\/png", /,
      ));
  },
});
