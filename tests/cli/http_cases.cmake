# The cases that also run over HTTP (tests/cli/CMakeLists.txt, label cli-http). Left out until the CLI or the
# server is fixed (each fails over HTTP for a reason this mode found; see the branch's report):
#   account_pins crashed_revocation_taken_over enroll_revoke_recover malicious_replayed_enrollment passphrase_home
coffre_http_transcript_tests(account_test.py account
  concurrent_revocations
  init_whoami
  killed_init_cleaned_up
  malicious_forged_genesis
  malicious_fork
  malicious_injected_entry
  malicious_replaced_key
  malicious_rollback
  malicious_tampered_wrap
  repair_missing_wrap
  revoked_device_attacks
  sas_not_confirmed
  usage_errors
)
coffre_http_transcript_tests(sharing_test.py sharing
  inspect_shared_file
  publish
  revoke_publishes
  revoke_resign_killed_at_every_step
  revoke_resigns
  revoked_device_record
  share_decrypt
  substituted_key
  swapped_wraps
  unexpected_device_blocks
  unshare_killed_at_every_step
  unshare_older_copy
  unshare_over_unfinished
  unshare_rollback
  verify_refuse
)
coffre_http_transcript_tests(drive_test.py drive
  collisions
  constant_memory
  malicious_cut_blob_range
  malicious_moved_record
  malicious_old_revision
  malicious_renamed
  malicious_swapped_blob
  malicious_tampered
  revoke_resign_drive_killed_at_every_step
  second_device
  small_files_small_buffers
  store_holds_no_plaintext
  interrupted_put
  move_out_crash
  move_out_rekeys
  orphan_blobs
  rekey_other_device
  revision_rollback_across_devices
  revision_rollback_after_ls
  revoke_resigns_shared_folder
  round_trips
  share_folder
  share_malicious_store
  unshare
  unshare_crash
)
