/**
 * en-upload.ts — what the upload screen says when a file's upload stops for good (vault/
 * upload-screen.tsx), loaded with that screen (vault/strings.ts), not on the first visit;
 * ar-upload.ts has the same keys.
 */
export const enUpload = {
  upload: {
    retry: 'Retry',
    serverSaid: 'The server said:',
    failure: {
      connection:
        'Not sent: the connection stayed down through every retry. What reached the server is kept; Retry continues from there, and it starts again by itself when the browser is back online.',
      tooLarge: 'Refused: the file is larger than this server accepts for one item.',
      quota:
        'Refused for now: your uploads in progress hold as many files or bytes as you may have open at once. Let them finish, or remove some, then Retry.',
      type: 'Refused: the server does not accept this kind of file.',
      provenance: 'Refused: the provenance above is not complete or not valid. Correct it, then Retry.',
      signedOut: 'Not sent: your session has ended. Sign in again, then Retry.',
      forbidden: 'Refused: you may not add evidence to this compartment.',
      server: 'Not sent: the server failed. Retry in a moment; if it fails again, tell an administrator.',
      refused: 'Refused by the server.',
    },
  },
};
