/** A company name → its API base URL, through the configurable template (seed 000: company `demo` → demo.comnica.cc). */
import {UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';

export const defaultCompanyUrl = 'https://{company}.comnica.cc';

export function companyUrl(company: string, template = process.env['CCDL_COMPANY_URL'] ?? defaultCompanyUrl): string {
	if (!/^[a-z\d][a-z\d-]{0,62}$/i.test(company)) {
		throw new UsageError(...phrased('cli.error.not-a-company', {company}));
	}

	return template.replaceAll('{company}', company.toLowerCase());
}
