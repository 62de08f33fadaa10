/**
 * A run without a screen, as `ccdl download` and `ccdl run` perform it: the pipeline does the work; this prints the
 * plan, the progress (JSON lines, a line per event, or a live line) and the result, and handles Ctrl-C/SIGTERM.
 */
import {CcdlError, exitCodes} from '../lib/errors.js';
import type {PreparedProfiles} from '../lib/profiles/run-profiles.js';
import {profileSummaryLines, profileUses} from '../lib/profiles/run-profiles.js';
import {login, planForRun, recordFailedStart, type RunResult, startRun} from '../lib/run/pipeline.js';
import type {RunRequest} from '../lib/run/request.js';
import {isQuiet, isVerbose} from '../lib/output/verbosity.js';
import {visible} from '../lib/text/visible.js';
import {createTranslator, detectLang, type Translator} from '../lib/i18n/index.js';
import {errorText, reasonText} from '../lib/i18n/error-text.js';
import {figuresOf, planSummaryLines} from './plan-report.js';
import {listingWait, type ProgressMode, reportProgress} from './progress.js';
import {safeJson} from '../lib/text/safe-json.js';

/** The sentence of the error that stopped a run; one that is no CcdlError keeps its own words, as a failed file's do. */
function fatalText(error: Error, translator: Translator): string {
	return visible(error instanceof CcdlError ? errorText(error, translator) : error.message);
}

function summaryLines(result: RunResult, translator: Translator): string[] {
	const {t} = translator;
	const {summary, plan} = result;
	const seconds = summary.durationMs / 1000;
	const byProfile = summary.skippedByProfile;
	const lines = [
		t('run.summary', {
			state: t(summary.interrupted ? 'run.interrupted' : 'run.done'), valid: summary.valid, there: summary.skipped - byProfile,
			profile: byProfile ? t('run.by-profile', {count: byProfile}) : '', failed: summary.failed,
			limited: result.admission.limited.length ? t('run.limited', {count: result.admission.limited.length}) : '',
			bytes: translator.bytes(summary.bytesTransferred), seconds: translator.fixed(seconds, 1), destination: plan.outDir,
		}),
		result.manifest
			? t(result.manifest.fallback ? 'run.manifest.fallback' : 'run.manifest', {path: result.manifest.csv})
			: t('run.manifest.none', {reason: visible(result.manifestError ?? 'unknown error')}),
		...result.manifest?.damaged ? [t('run.manifest.damaged', {count: result.manifest.damaged})] : [],
	];
	// Reasons come from the engine and the platforms in English; those the catalogue knows are said in the user's language.
	const reason = (text: string) => visible(reasonText(text, translator));
	for (const outcome of summary.failures) {
		lines.push(t('run.failed-file', {path: visible(outcome.file.relativePath), reason: reason(outcome.reason ?? '')}));
	}

	for (const [contactId, text] of summary.archiveFailures) {
		lines.push(t('run.archive-failed', {contact: visible(contactId), reason: reason(text)}));
	}

	if (result.admission.limited.length > 0) {
		lines.push(...result.admission.lines.filter(line => /limit/i.test(line)));
	}

	const deleted = result.deletions.filter(item => item.status === 'deleted').length;
	const wouldDelete = result.deletions.filter(item => item.status === 'would-delete');
	if (deleted > 0) {
		lines.push(t('delete.done', {count: deleted}));
	}

	if (wouldDelete.length > 0) {
		lines.push(t('delete.dry-run', {count: wouldDelete.length, list: `${wouldDelete.slice(0, 20).map(item => visible(item.contactId)).join(', ')}${wouldDelete.length > 20 ? ', …' : ''}`}));
	}

	for (const item of result.deletions.filter(entry => entry.status === 'delete-failed' || entry.status === 'kept')) {
		lines.push(t(item.status === 'kept' ? 'delete.kept' : 'delete.failed', {contact: visible(item.contactId), reason: reason(item.error ?? '')}));
	}

	if (summary.fatal) {
		lines.push(`ccdl: ${fatalText(summary.fatal, translator)}`);
	}

	if (summary.interrupted && !summary.fatal) {
		lines.push(t('run.resume', {destination: plan.outDir}));
	}

	return lines;
}

export interface HeadlessOptions {
	json?: boolean;
	/** en or hu (else the locale's). */
	lang?: string | undefined;
	/** Renewal secrets from a credentials file (see SourceLogin.secrets). */
	secrets?: Readonly<Record<string, string>>;
	profiles?: PreparedProfiles;
}

/** Logs in, lists, plans and runs `request`; returns the exit code. */
export async function runHeadless(request: RunRequest, secret: string, options: HeadlessOptions = {}): Promise<number> {
	const translator = createTranslator(detectLang(options.lang), request.timeZone);
	const {t} = translator;
	const controller = new AbortController();
	let cancel: (() => void) | undefined;
	let flush: (() => void) | undefined;
	let journaled = false;
	let interrupts = 0;
	const onSignal = () => {
		interrupts++;
		if (interrupts > 1) {
			// Whatever finished is told to the journal first, so the next run's manifest names it.
			flush?.();
			process.stderr.write(`\nccdl: ${t('signal.stopped')}\n`);
			process.exit(exitCodes.interrupted);
		}

		process.stderr.write(`\nccdl: ${t('signal.stopping')}\n`);
		controller.abort();
		cancel?.();
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		const source = await login(request, secret, controller.signal, options.secrets);
		// Planned page by page while the server prepares the next one.
		const plan = await planForRun(source, request, {signal: controller.signal, onWait: listingWait(translator)});
		// startRun closes the sink when the run ends, and when it cannot start.
		// Nothing here shows every file: the run's state forgets each file once its outcome is heard.
		const started = await startRun(source, plan, request, {keepFinished: false, ...(options.profiles ? {profiles: options.profiles} : {})});
		// From here on the run is in the journal, however it ends.
		journaled = true;
		cancel = () => {
			started.run.cancel();
		};
		flush = () => {
			started.run.flushEvents?.();
		};

		if (controller.signal.aborted) {
			cancel();
		}

		if (!options.json && !isQuiet()) {
			process.stderr.write(`${[
				...planSummaryLines(figuresOf(started.run.plan), translator),
				...profileSummaryLines(profileUses(started.run.plan, started.profiles), request.concurrency),
				...started.admission.lines,
			].join('\n')}\n`);
		}

		const mode: ProgressMode = options.json ? 'json' : isQuiet() ? 'quiet' : process.stderr.isTTY && !isVerbose() ? 'live' : 'lines';
		const stopReporting = reportProgress(started.run, mode, translator);
		const result = await started.result;
		stopReporting();
		const {summary} = result;
		if (options.json) {
			process.stdout.write(`${safeJson({
				type: 'summary', valid: summary.valid, skipped: summary.skipped,
				skippedByProfile: summary.skippedByProfile, failed: summary.failed,
				interrupted: summary.interrupted, limited: result.admission.limited.length, busy: result.admission.busy.length,
				archiveFailures: summary.archiveFailures.size, bytesTransferred: summary.bytesTransferred, bytesResumed: summary.bytesResumed,
				durationMs: summary.durationMs, outDir: result.plan.outDir, manifest: result.manifest?.csv ?? null, outcome: result.outcome,
				exitCode: result.exitCode, runId: result.runId,
				deleted: result.deletions.filter(item => item.status === 'deleted').map(item => item.contactId),
				wouldDelete: result.deletions.filter(item => item.status === 'would-delete').map(item => item.contactId), ...summary.fatal ? {error: summary.fatal.message} : {},
				...result.admission.limited.length > 0 ? {limitReason: result.admission.limit.reason ?? null} : {},
			})}\n`);
			if (summary.fatal) {
				process.stderr.write(`ccdl: ${fatalText(summary.fatal, translator)}\n`);
			}
		} else {
			// Quiet: a run that went well says nothing at all (cron mails only what needs a look).
			if (!isQuiet() || result.exitCode !== exitCodes.ok) {
				process.stderr.write(`${summaryLines(result, translator).join('\n')}\n`);
			}
		}

		return result.exitCode;
	} catch (error) {
		const interrupted = controller.signal.aborted && !(error instanceof CcdlError);
		if (!journaled) {
			recordFailedStart(request, interrupted ? new Error(t('run.interrupted-early')) : error, interrupted ? 'interrupted' : 'failed');
		}

		if (interrupted) {
			process.stderr.write(`ccdl: ${t('run.interrupted-early')}\n`);
			return exitCodes.interrupted;
		}

		throw error;
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
}
