import { describeOperation } from '../harness/contract';

const lead = {
  email: 'lee.prospect@mail.test',
  name: 'Lee Prospect — 李',
  phone: { country_code: '61', number: '412345678' },
  language: 'zh-cn' as const,
  custom_fields: { source: 'webinar-2024-05' },
};

describeOperation('createLead', {
  call: (client, init) => client.POST('/public/v1/leads', { ...init, body: lead }),
  status: 201,
  sent: { method: 'POST', path: '/public/v1/leads', body: lead },
});
