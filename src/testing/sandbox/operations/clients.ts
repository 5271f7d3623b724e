// Clients, leads, registration and KYC: created people appear in every read at once.
import { crmTimestamp } from '../clock';
import { newClient, type SandboxClient, type SandboxState } from '../state';
import { defined, page, refuse, type OperationHandler } from './context';

const byEmail = (state: SandboxState, email: unknown) => [...state.clients.values()].find((c) => c.email.toLowerCase() === String(email).toLowerCase());

/** The client named by `user_id` or `email` (the up/downline lookups). */
const lookup = (state: SandboxState, body: { user_id?: string; email?: string }) => (body.user_id ? state.clients.get(body.user_id) : byEmail(state, body.email));

const accountsOf = (state: SandboxState, client: SandboxClient) =>
  [...state.accounts.values()].filter((a) => a.user_id === client.id).map((a) => ({ platform: a.platform, connection_id: a.connection_id, trading_id: String(a.login) }));

/** The registration form's fields the sandbox reads as text (the client's name): `text` fields of the form it serves. */
const TEXT_FIELDS = ['first_name', 'last_name'] as const;

/** Why a registration's `custom_fields` cannot be read (a text field holding an object, a number...), as `field rule`. */
function textFieldProblem(fields: Record<string, unknown>, at: string): string | undefined {
  const wrong = TEXT_FIELDS.find((key) => Object.hasOwn(fields, key) && typeof fields[key] !== 'string');
  return wrong && `${at}.${wrong} must be a string (a text field of the registration form)`;
}

const nameOf = (fields: Record<string, unknown>) => [fields.first_name, fields.last_name].filter(Boolean).join(' ') || undefined;

const downlinesOf = (state: SandboxState, id: string) => [...state.clients.values()].filter((c) => c.referrer_id === id);

function summary(state: SandboxState, c: SandboxClient) {
  const referrer = c.referrer_id ? state.clients.get(c.referrer_id) : undefined;
  return defined({
    id: c.id, name: c.name, email: c.email, phone: c.phone, type: c.type, group_id: c.group_id, group_name: c.group_name, referral_code: c.referral_code,
    kyc_status: c.kyc_status, kyc_processing: c.kyc_processing, trading_accounts: accountsOf(state, c), referrer_id: c.referrer_id, referrer_name: referrer?.name,
    downline_count: String(downlinesOf(state, c.id).length), first_open_time: c.first_open_time, created_at: c.created_at, updated_at: c.updated_at,
  });
}

function downlineTree(state: SandboxState, c: SandboxClient, depth = 0): object {
  const children = depth < 20 ? downlinesOf(state, c.id).map((child) => downlineTree(state, child, depth + 1)) : [];
  return defined({ id: c.id, email: c.email, phone: c.phone, downlines: children });
}

export const clientOperations: Record<string, OperationHandler> = {
  listClients: ({ query }, { state }) => {
    const all = [...state.clients.values()].filter((c) => (query.type === undefined || c.type === query.type) && c.suspended === (query.suspended === true));
    const { count, records } = page(all, query.skip, query.limit);
    return { status: 200, body: { count, records: records.map((c) => summary(state, c)) } };
  },
  getClient: ({ op, path, query }, { state }) => {
    const c = state.clients.get(path.id);
    if (!c) return refuse(op, 400, 'user_not_found');
    const { id, name, email, phone, type, created_at, referral_code } = c;
    return {
      status: 200,
      body: defined({ id, name, email, phone, type, created_at, referral_code, owner: query.owner ? c.owner : undefined, participants: query.participants ? c.participants : undefined, trading_accounts: accountsOf(state, c) }),
    };
  },
  getClientRegistrationDetails: ({ op, path }, { state }) => {
    const c = state.clients.get(path.id);
    return c ? { status: 200, body: c.details } : refuse(op, 400, 'user_not_found');
  },
  getClientKycDetails: ({ op, path }, { state }) => {
    const c = state.clients.get(path.id);
    if (!c) return refuse(op, 400, 'user_not_found');
    return { status: 200, body: defined({ kyc_status: c.kyc_status, kyc_processing: c.kyc_processing, form_id: c.kyc_form_id, form: c.kyc_form }) };
  },
  validateClientCredentials: ({ op, body }, { state }) => {
    const c = byEmail(state, body.email);
    if (!c) return refuse(op, 400, 'user_not_found');
    return c.password === body.password ? { status: 200, body: { id: c.id } } : refuse(op, 400, 'invalid_credentials');
  },
  createClient: ({ op, body }, context) => {
    const { state, clock } = context;
    // A second client with the same e-mail (or id) is refused with the documented example error.
    if (byEmail(state, body.email) || (body.id && state.clients.has(body.id))) return refuse(op, 400, 'invalid_request');
    const fields = body.custom_fields ?? {};
    const wrongField = textFieldProblem(fields, 'body.custom_fields');
    if (wrongField) return refuse(op, 400, 'invalid_request', wrongField);
    const client = newClient(state, clock, defined({ id: body.id, email: body.email, phone: body.phone, name: nameOf(fields), referrer_id: body.referrer_id && state.clients.has(body.referrer_id) ? body.referrer_id : undefined, password: body.password, details: Object.entries(fields).map(([key, value]) => ({ key, type: 'text', label: key, value })) }));
    context.emit({ kind: 'user-created', client, creationType: 'admin_created' });
    return { status: 201, body: { id: client.id } };
  },
  getClientUplines: ({ op, body }, { state }) => {
    const c = lookup(state, body);
    if (!c) return refuse(op, 400, 'user_not_found');
    const uplines: object[] = [];
    for (let at = c.referrer_id ? state.clients.get(c.referrer_id) : undefined; at && uplines.length < 20; at = at.referrer_id ? state.clients.get(at.referrer_id) : undefined) {
      uplines.push(defined({ id: at.id, name: at.name, email: at.email, phone: at.phone }));
    }
    return { status: 200, body: defined({ id: c.id, email: c.email, phone: c.phone, uplines }) };
  },
  getClientDownlines: ({ op, body }, { state }) => {
    const c = lookup(state, body);
    return c ? { status: 200, body: downlineTree(state, c) } : refuse(op, 400, 'user_not_found');
  },
  submitClientKyc: ({ op, path, body }, { state, clock }) => {
    const c = state.clients.get(path.user_id);
    if (!c) return refuse(op, 400, 'account_not_found');
    if (c.kyc_processing) return refuse(op, 400, 'kyc_duplicate_error');
    c.kyc_status = 'pending';
    c.kyc_processing = true;
    c.kyc_form_id = body.form_id;
    c.kyc_form = Object.entries(body.custom_fields ?? {}).map(([key, value]) => ({ key, type: Array.isArray(value) ? 'file' : 'text', label: key, value }));
    if (body.phone) c.phone = body.phone;
    c.updated_at = crmTimestamp(clock.now());
    return { status: 200, body: { id: state.ids.id() } };
  },
  createLead: ({ body }, { state, clock }) => {
    const id = state.ids.id();
    state.leads.set(id, defined({ id, email: body.email, name: body.name, phone: body.phone, language: body.language, custom_fields: body.custom_fields, created_at: crmTimestamp(clock.now()) }));
    return { status: 201, body: { id } };
  },
  sendRegistrationOtp: ({ body }, { state }) => {
    // No e-mail leaves the sandbox: every code it "sends" is SANDBOX_OTP.
    state.otps.set(String(body.email).toLowerCase(), SANDBOX_OTP);
    return { status: 204 };
  },
  submitMultiStepRegistration: ({ op, body }, context) => {
    const { state, clock } = context;
    const { register, kyc } = body;
    const fields = register.custom_fields ?? {};
    const wrongField = textFieldProblem(fields, 'body.register.custom_fields');
    if (wrongField) return refuse(op, 400, 'invalid_request', wrongField);
    if (state.otps.get(String(register.email).toLowerCase()) !== register.email_code) return refuse(op, 400, 'invalid_validation_code');
    if (byEmail(state, register.email)) return refuse(op, 400, 'invalid_validation_code');
    state.otps.delete(String(register.email).toLowerCase());
    const client = newClient(state, clock, defined({
      email: register.email, phone: register.phone, password: register.password, name: nameOf(fields),
      referrer_id: register.referrer_id && state.clients.has(register.referrer_id) ? register.referrer_id : undefined,
      details: Object.entries(fields).map(([key, value]) => ({ key, type: 'text', label: key, value })),
      kyc_processing: true, kyc_form_id: kyc.form_id,
      kyc_form: Object.entries(kyc.custom_fields ?? {}).map(([key, value]) => ({ key, type: 'text', label: key, value })),
    }));
    context.emit({ kind: 'user-created', client, creationType: 'self_registration' });
    return { status: 204 };
  },
};

/** The registration code the sandbox "sends" (documented in the README): every OTP is this. */
export const SANDBOX_OTP = '123456';
