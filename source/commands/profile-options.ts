/** The `--profile` flag of `list` and `download`, and its help. */
export const profileOptionSpecs = {
	profile: {type: 'string'},
} as const;

export const profileOptionHelp = `  --profile NAME      use this (active) download profile for every file of this run, whatever is assigned
                      (without it: the profile assigned to the campaign, else its company, else globally;
                      none assigned = --concurrency files of any channel at once; see "ccdl profile --help")
`;
